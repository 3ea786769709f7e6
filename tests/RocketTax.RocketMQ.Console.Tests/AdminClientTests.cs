using System.Text;
using RocketTax.RocketMQ.Client;
using RocketTax.RocketMQ.Remoting;
using RocketTax.RocketMQ.Remoting.Admin;
using RocketTax.Testing;

namespace RocketTax.RocketMQ.Console.Tests;

/// <summary>Each admin request the console uses, against the real brokers and name servers.</summary>
public sealed class AdminClientTests(ConsoleFixture fixture)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Topic_stats_count_the_messages_sent_to_each_queue()
    {
        using var timeout = Timeout();
        var ct = timeout.Token;
        const string topic = "admin-stats-topic";
        await fixture.CreateTopicAsync(topic, ct);
        await using var producer = await fixture.ProducerAsync(topic, ct);

        await SendAsync(producer, topic, "stats", 10, ct);

        var queues = await fixture.Admin.TopicStatsAsync(topic, ct);
        Assert.Equal(8, queues.Count);
        Assert.Equal(["broker-a", "broker-b"], queues.Select(q => q.BrokerName).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(10, queues.Sum(q => q.MaxOffset - q.MinOffset));
    }

    [Fact]
    public async Task Consume_stats_show_lag_until_the_group_has_acked_everything()
    {
        using var timeout = Timeout();
        var ct = timeout.Token;
        const string topic = "admin-lag-topic";
        const string group = "admin-lag-group";
        await fixture.CreateTopicAsync(topic, ct);
        await using var producer = await fixture.ProducerAsync(topic, ct);
        await using var consumer = await fixture.ConsumerAsync(group, topic, ct);
        await SendAsync(producer, topic, "lag", 6, ct);

        var received = 0;
        while (received < 6)
        {
            foreach (var message in await consumer.ReceiveAsync(16, TimeSpan.FromSeconds(30), ct))
            {
                await consumer.AckAsync(message, ct);
                received++;
            }
        }

        await Eventually.TrueAsync(async () =>
        {
            var stats = await fixture.Admin.ConsumeStatsAsync(group, topic, ct);
            return stats.OffsetEntries.Count == 8 && stats.OffsetEntries.Sum(e => e.BrokerOffset - e.ConsumerOffset) == 0
                && stats.OffsetEntries.Sum(e => e.BrokerOffset) == 6;
        }, "the group's lag to reach 0 over 6 messages", ct);
    }

    [Fact]
    public async Task Consumer_connections_list_the_online_client_of_the_group()
    {
        using var timeout = Timeout();
        var ct = timeout.Token;
        const string topic = "admin-connection-topic";
        await fixture.CreateTopicAsync(topic, ct);
        await using var consumer = await fixture.ConsumerAsync("admin-connection-group", topic, ct);
        await consumer.ReceiveAsync(1, TimeSpan.FromSeconds(10), ct);

        var online = await fixture.Admin.ConsumerConnectionAsync("admin-connection-group", ct);
        var nobody = await fixture.Admin.ConsumerConnectionAsync("admin-nobody-group", ct);

        Assert.Contains(online.ConnectionSet, c => c.ClientId == consumer.ClientId);
        Assert.Equal("CLUSTERING", online.MessageModel);
        Assert.Empty(nobody.ConnectionSet);
    }

    [Fact]
    public async Task A_message_is_found_by_key_by_client_id_and_by_offset_id()
    {
        using var timeout = Timeout();
        var ct = timeout.Token;
        const string topic = "admin-lookup-topic";
        await fixture.CreateTopicAsync(topic, ct);
        await using var producer = await fixture.ProducerAsync(topic, ct);
        var receipt = await producer.SendAsync(new Message(topic, "{\"title\":\"lookup\"}") { Keys = ["report-42"], Tag = "2021S1" }, ct);

        var byKey = Assert.Single(await fixture.Admin.QueryMessagesAsync("report-42", topic, 32, ct));
        var byId = Assert.Single(await fixture.Admin.FindMessageByIdAsync(receipt.MessageId, null, ct));
        var byOffsetId = Assert.Single(await fixture.Admin.FindMessageByIdAsync(byKey.OffsetMsgId, null, ct));

        Assert.Equal("{\"title\":\"lookup\"}", byKey.Body);
        Assert.Equal(receipt.MessageId, byKey.MsgId);
        Assert.Equal("2021S1", byKey.Tags);
        Assert.Equal(byKey.CommitLogOffset, byId.CommitLogOffset);
        Assert.Equal(receipt.MessageId, byOffsetId.MsgId);
        Assert.Empty(await fixture.Admin.QueryMessagesAsync("no-such-key", topic, 32, ct));
    }

    [Fact]
    public async Task Consume_stats_key_the_offset_table_by_queue_objects_as_fastjson_does()
    {
        using var timeout = Timeout();
        var ct = timeout.Token;
        const string topic = "admin-wire-stats-topic";
        await fixture.CreateTopicAsync(topic, ct);
        var (brokerName, address) = (await fixture.Admin.AllMastersAsync(ct))[0];

        var consume = await fixture.Admin.AskBrokerAsync(address, RequestCode.GetConsumeStats,
            new Dictionary<string, string> { ["consumerGroup"] = "admin-wire-group", ["topic"] = topic }, ct);
        var stats = await fixture.Admin.AskBrokerAsync(address, RequestCode.GetTopicStatsInfo, new Dictionary<string, string> { ["topic"] = topic }, ct);

        Assert.StartsWith(
            $$$"""{"consumeTps":0.0,"offsetTable":{{"brokerName":"{{{brokerName}}}","queueId":0,"topic":"{{{topic}}}"}:{"brokerOffset":0,"consumerOffset":0,"lastTimestamp":0,"pullOffset":0},""",
            Encoding.UTF8.GetString(consume.Body!), StringComparison.Ordinal);
        Assert.StartsWith(
            $$$"""{"offsetTable":{{"brokerName":"{{{brokerName}}}","queueId":0,"topic":"{{{topic}}}"}:{"lastUpdateTimestamp":0,"maxOffset":0,"minOffset":0},""",
            Encoding.UTF8.GetString(stats.Body!), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_message_viewed_by_offset_or_queried_by_key_comes_in_the_binary_message_form()
    {
        using var timeout = Timeout();
        var ct = timeout.Token;
        const string topic = "admin-wire-message-topic";
        await fixture.CreateTopicAsync(topic, ct);
        await using var producer = await fixture.ProducerAsync(topic, ct);
        var receipt = await producer.SendAsync(new Message(topic, "binary form") { Keys = ["wire-key"], Tag = "wire" }, ct);
        var found = Assert.Single(await fixture.Admin.QueryMessagesAsync("wire-key", topic, 32, ct));
        var address = (await fixture.Admin.AllMastersAsync(ct)).Single(m => m.BrokerName == found.BrokerName).Addr;

        var view = await fixture.Admin.AskBrokerAsync(address, RequestCode.ViewMessageById,
            new Dictionary<string, string> { ["offset"] = found.CommitLogOffset.ToString(System.Globalization.CultureInfo.InvariantCulture) }, ct);
        var query = await fixture.Admin.AskBrokerAsync(address, RequestCode.QueryMessage, new Dictionary<string, string>
        {
            ["topic"] = topic, ["key"] = "wire-key", ["maxNum"] = "32", ["beginTimestamp"] = "0", ["endTimestamp"] = long.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }, ct);

        var body = view.Body!;
        Assert.Equal(body.Length, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(body));
        Assert.Equal(unchecked((int)0xDAA320A7), System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(body.AsSpan(4)));
        Assert.Equal(body, query.Body);
        Assert.NotNull(query.Field("indexLastUpdateTimestamp"));
        var message = Assert.Single(RocketTax.RocketMQ.Remoting.Messages.MessageExtCodec.DecodeAll(body));
        Assert.Equal("binary form", Encoding.UTF8.GetString(message.Body.Span));
        Assert.Equal(receipt.MessageId, message.Properties["UNIQ_KEY"]);
        Assert.Equal("wire", message.Properties["TAGS"]);
        Assert.Equal(found.OffsetMsgId, MessageIds.OffsetMessageId(message.StoreHost, message.CommitLogOffset));
    }

    [Fact]
    public async Task A_dead_lettered_message_resent_is_consumed_again()
    {
        using var timeout = Timeout();
        var ct = timeout.Token;
        const string topic = "admin-dlq-topic";
        const string group = "admin-dlq-group";
        await fixture.CreateTopicAsync(topic, ct);
        await fixture.NoRetriesAsync(group, ct);
        await using var producer = await fixture.ProducerAsync(topic, ct);
        await using var consumer = await fixture.ConsumerAsync(group, topic, ct);
        var receipt = await producer.SendAsync(new Message(topic, "doomed") { Keys = ["dlq-key-1"] }, ct);

        // Received and never acked: with no retries the broker moves it to %DLQ%group once it is visible again.
        Assert.NotEmpty(await ReceiveUntilAsync(consumer, ct));
        var dead = await DeadLetterAsync(group, "dlq-key-1", ct);
        var resent = await fixture.Admin.ResendAsync(dead, ct);
        var again = Assert.Single(await ReceiveUntilAsync(consumer, ct));
        await consumer.AckAsync(again, ct);

        Assert.Equal(topic, resent.Topic);
        Assert.Equal(receipt.MessageId, again.MessageId);
        Assert.Equal("doomed", Encoding.UTF8.GetString(again.Body.Span));
        Assert.Equal(["dlq-key-1"], again.Keys);
    }

    [Fact]
    public async Task A_topic_created_and_deleted_comes_and_goes_from_the_routes()
    {
        using var timeout = Timeout();
        var ct = timeout.Token;
        const string topic = "admin-create-delete-topic";

        await fixture.CreateTopicAsync(topic, ct);
        Assert.Contains(topic, (await fixture.Admin.TopicListAsync(ct)).TopicList);
        await fixture.Admin.DeleteTopicAsync(ConsoleFixture.ClusterName, topic, ct);

        var error = await Assert.ThrowsAsync<AdminException>(() => fixture.Admin.RouteAsync(topic, ct));
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Runtime_info_reports_tps_and_disk_for_each_broker()
    {
        using var timeout = Timeout();
        var ct = timeout.Token;

        foreach (var (name, address) in await fixture.Admin.AllMastersAsync(ct))
        {
            var table = (await fixture.Admin.RuntimeInfoAsync(address, ct)).Table;
            Assert.Equal(name, table["brokerName"]);
            Assert.Matches(@"^\d+\.\d\d \d+\.\d\d \d+\.\d\d$", table["putTps"]);
            Assert.Matches(@"^\d+\.\d\d \d+\.\d\d \d+\.\d\d$", table["getTransferedTps"]);
            Assert.InRange(double.Parse(table["commitLogDiskRatio"], System.Globalization.CultureInfo.InvariantCulture), 0, 1);
        }
    }

    [Fact]
    public async Task Runtime_info_counts_the_messages_delivered_and_their_rate()
    {
        using var timeout = Timeout();
        var ct = timeout.Token;
        const string topic = "admin-get-tps-topic";
        await fixture.CreateTopicAsync(topic, ct);
        await using var producer = await fixture.ProducerAsync(topic, ct);
        await using var consumer = await fixture.ConsumerAsync("admin-get-tps-group", topic, ct);
        var before = await DeliveredAsync(ct);
        await SendAsync(producer, topic, "get", 6, ct);

        var received = 0;
        while (received < 6)
        {
            received += (await consumer.ReceiveAsync(16, TimeSpan.FromSeconds(30), ct)).Count;
        }

        // The rate is sampled once a second: it shows the deliveries within a sample or two.
        await Eventually.TrueAsync(async () =>
        {
            var (total, rate) = await DeliveredAsync(ct);
            return total - before.Total >= received && rate > 0;
        }, "msgGetTotalTodayNow and getTransferedTps to show the 6 deliveries", ct);
    }

    private static async Task SendAsync(Producer producer, string topic, string prefix, int count, CancellationToken ct)
    {
        for (var i = 0; i < count; i++)
        {
            await producer.SendAsync(new Message(topic, $"{prefix} {i}"), ct);
        }
    }

    private async Task<(long Total, double Rate)> DeliveredAsync(CancellationToken ct)
    {
        var (total, rate) = (0L, 0.0);
        foreach (var (_, address) in await fixture.Admin.AllMastersAsync(ct))
        {
            var info = await fixture.Admin.RuntimeInfoAsync(address, ct);
            total += long.Parse(info.Table["msgGetTotalTodayNow"], System.Globalization.CultureInfo.InvariantCulture);
            rate += info.FirstNumber("getTransferedTps");
        }

        return (total, rate);
    }

    [Fact]
    public async Task Send_message_with_an_illegal_topic_name_is_refused_and_stores_nothing()
    {
        using var timeout = Timeout();
        var ct = timeout.Token;
        var (_, address) = (await fixture.Admin.AllMastersAsync(ct))[0];

        var response = await fixture.Admin.AskBrokerAsync(address, RemotingCommand.Request(RequestCode.SendMessage,
            new Dictionary<string, string> { ["topic"] = "no such topic!", ["properties"] = string.Empty }, "x"u8.ToArray()), ct);

        Assert.Equal(ResponseCode.MessageIllegal, response.Code);
        Assert.Contains("no such topic!", response.Remark, StringComparison.Ordinal);
        Assert.DoesNotContain("no such topic!", (await fixture.Admin.TopicListAsync(ct)).TopicList);
    }

    private async Task<RocketTax.RocketMQ.Remoting.Body.MessageViewBody> DeadLetterAsync(string group, string key, CancellationToken ct)
    {
        IReadOnlyList<RocketTax.RocketMQ.Remoting.Body.MessageViewBody> found = [];
        await Eventually.TrueAsync(async () =>
        {
            found = await fixture.Admin.QueryMessagesAsync(key, "%DLQ%" + group, 32, ct);
            return found.Count > 0;
        }, $"the message with key {key} to reach %DLQ%{group}", ct);
        return Assert.Single(found);
    }

    private static async Task<IReadOnlyList<MessageView>> ReceiveUntilAsync(SimpleConsumer consumer, CancellationToken ct)
    {
        while (true)
        {
            var messages = await consumer.ReceiveAsync(1, TimeSpan.FromSeconds(1), ct);
            if (messages.Count > 0)
            {
                return messages;
            }
        }
    }

    private static CancellationTokenSource Timeout()
    {
        var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(Deadline);
        return timeout;
    }
}
