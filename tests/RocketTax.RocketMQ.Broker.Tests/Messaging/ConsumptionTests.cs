using Apache.Rocketmq.V2;
using RocketTax.RocketMQ.Broker.Managers;
using RocketTax.Testing;

namespace RocketTax.RocketMQ.Broker.Tests.Messaging;

/// <summary>POP consumption as the official clients rely on it: filters, invisibility, redelivery, the DLQ.</summary>
public sealed class ConsumptionTests(ConsumptionTests.Fixture fixture) : IClassFixture<ConsumptionTests.Fixture>
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(20);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Sent_message_is_received_with_body_tag_keys_properties_digest_and_first_attempt()
    {
        using var client = new RawBrokerClient(fixture.Broker.GrpcEndpoint);
        var message = RawBrokerClient.NewMessage("roundtrip-topic", "{\"title\":\"X市2021年度第一季度税务汇总数据\"}", "2021S1", null, "report-1", "city-X");
        message.UserProperties["city"] = "X市";
        var sent = await client.SendAsync(Ct, message);
        Assert.Equal(Code.Ok, sent.Status.Code);
        Assert.Equal(message.SystemProperties.MessageId, sent.Entries.Single().MessageId);

        var received = Assert.Single(await client.ReceiveAtLeastAsync("roundtrip-group", "roundtrip-topic", 1, TimeSpan.FromSeconds(30), Within, Ct));
        Assert.Equal("{\"title\":\"X市2021年度第一季度税务汇总数据\"}", RawBrokerClient.BodyOf(received));
        Assert.Equal("2021S1", received.SystemProperties.Tag);
        Assert.Equal(["report-1", "city-X"], received.SystemProperties.Keys);
        Assert.Equal("X市", received.UserProperties["city"]);
        Assert.Single(received.UserProperties);
        Assert.Equal(message.SystemProperties.MessageId, received.SystemProperties.MessageId);
        Assert.Equal(1, received.SystemProperties.DeliveryAttempt);
        Assert.Equal(sent.Entries[0].Offset, received.SystemProperties.QueueOffset);
        Assert.Equal(DigestType.Md5, received.SystemProperties.BodyDigest.Type);
        Assert.Equal(Convert.ToHexString(System.Security.Cryptography.MD5.HashData(received.Body.ToByteArray())), received.SystemProperties.BodyDigest.Checksum);
        Assert.False(string.IsNullOrEmpty(received.SystemProperties.ReceiptHandle));
        Assert.NotNull(received.SystemProperties.StoreTimestamp);
    }

    [Fact]
    public async Task Tag_filter_delivers_only_matching_tags()
    {
        using var client = new RawBrokerClient(fixture.Broker.GrpcEndpoint);
        await client.SendAsync(Ct, RawBrokerClient.NewMessage("filter-topic", "s1", "2021S1"), RawBrokerClient.NewMessage("filter-topic", "s2", "2021S2"),
            RawBrokerClient.NewMessage("filter-topic", "s3", "2021S3"), RawBrokerClient.NewMessage("filter-topic", "none", tag: null));

        var filtered = new List<Message>();
        var deadline = DateTime.UtcNow + Within;
        while (filtered.Count < 2 && DateTime.UtcNow < deadline)
        {
            var (_, messages) = await client.ReceiveAsync("filter-group", "filter-topic", "2021S2||2021S3", TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(2), Ct);
            filtered.AddRange(messages);
        }

        var (status, more) = await client.ReceiveAsync("filter-group", "filter-topic", "2021S2||2021S3", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(500), Ct);

        Assert.Equal(["s2", "s3"], filtered.Select(RawBrokerClient.BodyOf).Order().ToArray());
        Assert.Equal(Code.MessageNotFound, status.Code);
        Assert.Empty(more);
    }

    [Fact]
    public async Task Acked_message_is_not_delivered_again()
    {
        using var client = new RawBrokerClient(fixture.Broker.GrpcEndpoint);
        await client.SendAsync(Ct, RawBrokerClient.NewMessage("ack-topic", "once"));
        var received = await client.ReceiveAtLeastAsync("ack-group", "ack-topic", 1, TimeSpan.FromSeconds(1), Within, Ct);
        var ack = await client.AckAsync("ack-group", "ack-topic", received, Ct);
        Assert.Equal(Code.Ok, ack.Status.Code);

        // Wait well past the 1 s invisible duration: an acked message must not come back.
        var (status, again) = await client.ReceiveAsync("ack-group", "ack-topic", "*", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2.5), Ct);
        Assert.Equal(Code.MessageNotFound, status.Code);
        Assert.Empty(again);
    }

    [Fact]
    public async Task Unacked_message_comes_back_after_its_invisible_duration_with_the_next_attempt()
    {
        using var client = new RawBrokerClient(fixture.Broker.GrpcEndpoint);
        await client.SendAsync(Ct, RawBrokerClient.NewMessage("redeliver-topic", "again"));
        var first = Assert.Single(await client.ReceiveAtLeastAsync("redeliver-group", "redeliver-topic", 1, TimeSpan.FromSeconds(1), Within, Ct));

        var second = Assert.Single(await client.ReceiveAtLeastAsync("redeliver-group", "redeliver-topic", 1, TimeSpan.FromSeconds(30), Within, Ct));

        // Both pops by the broker's own clock, as their handles carry them: the client's clock would also count the
        // time the first answer took to arrive, which under load can make an on-time redelivery look early.
        Assert.True(ReceiptHandle.TryDecode(first.SystemProperties.ReceiptHandle, out var firstPop));
        Assert.True(ReceiptHandle.TryDecode(second.SystemProperties.ReceiptHandle, out var secondPop));
        Assert.True(secondPop.PopTime - firstPop.PopTime >= firstPop.InvisibleMillis,
            $"redelivered {secondPop.PopTime - firstPop.PopTime} ms after the first pop, before its {firstPop.InvisibleMillis} ms invisible duration ended");
        Assert.Equal(first.SystemProperties.MessageId, second.SystemProperties.MessageId);
        Assert.Equal(2, second.SystemProperties.DeliveryAttempt);
        Assert.NotEqual(first.SystemProperties.ReceiptHandle, second.SystemProperties.ReceiptHandle);

        // The superseded handle cannot renew; the current one acks.
        var stale = await client.ChangeInvisibleDurationAsync("redeliver-group", first, TimeSpan.FromSeconds(5), Ct);
        Assert.Equal(Code.InvalidReceiptHandle, stale.Status.Code);
        Assert.Equal(Code.Ok, (await client.AckAsync("redeliver-group", "redeliver-topic", [second], Ct)).Status.Code);
    }

    [Fact]
    public async Task Change_invisible_duration_renews_the_handle_and_postpones_redelivery()
    {
        using var client = new RawBrokerClient(fixture.Broker.GrpcEndpoint);
        await client.SendAsync(Ct, RawBrokerClient.NewMessage("renew-topic", "renew"));
        var first = Assert.Single(await client.ReceiveAtLeastAsync("renew-group", "renew-topic", 1, TimeSpan.FromSeconds(1), Within, Ct));

        var renewed = await client.ChangeInvisibleDurationAsync("renew-group", first, TimeSpan.FromSeconds(30), Ct);
        Assert.Equal(Code.Ok, renewed.Status.Code);
        Assert.NotEqual(first.SystemProperties.ReceiptHandle, renewed.ReceiptHandle);

        var (status, _) = await client.ReceiveAsync("renew-group", "renew-topic", "*", TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(2), Ct);
        Assert.Equal(Code.MessageNotFound, status.Code);
        var ack = await client.AckAsync("renew-group", "renew-topic", first.SystemProperties.MessageId, renewed.ReceiptHandle, Ct);
        Assert.Equal(Code.Ok, ack.Status.Code);
    }

    [Fact]
    public async Task Message_moves_to_the_groups_DLQ_after_max_delivery_attempts()
    {
        using var client = new RawBrokerClient(fixture.Broker.GrpcEndpoint);
        var poison = RawBrokerClient.NewMessage("dlq-topic", "poison");
        await client.SendAsync(Ct, poison);

        // defaultRetryMaxTimes=2: three deliveries, then the DLQ.
        var deliveries = new List<Message>();
        var deadline = DateTime.UtcNow + Within;
        while (deliveries.Count < 3 && DateTime.UtcNow < deadline)
        {
            var (_, messages) = await client.ReceiveAsync("dlq-group", "dlq-topic", "*", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), Ct);
            deliveries.AddRange(messages);
        }

        Assert.Equal([1, 2, 3], deliveries.Select(m => m.SystemProperties.DeliveryAttempt));
        var dead = Assert.Single(await client.ReceiveAtLeastAsync("dlq-reader", "%DLQ%dlq-group", 1, TimeSpan.FromSeconds(30), Within, Ct));
        Assert.Equal(poison.SystemProperties.MessageId, dead.SystemProperties.MessageId);
        Assert.Equal("poison", RawBrokerClient.BodyOf(dead));

        var (status, _) = await client.ReceiveAsync("dlq-group", "dlq-topic", "*", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), Ct);
        Assert.Equal(Code.MessageNotFound, status.Code);
    }

    [Fact]
    public async Task Long_polling_receive_returns_as_soon_as_a_message_arrives()
    {
        using var client = new RawBrokerClient(fixture.Broker.GrpcEndpoint);
        await client.QueryRouteAsync("longpoll-topic", Ct);
        var waiting = client.ReceiveAsync("longpoll-group", "longpoll-topic", "*", TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(15), Ct);
        await client.SendAsync(Ct, RawBrokerClient.NewMessage("longpoll-topic", "wake up"));

        var (status, messages) = await waiting.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Equal(Code.Ok, status.Code);
        Assert.Equal("wake up", RawBrokerClient.BodyOf(Assert.Single(messages)));
    }

    /// <summary>A broker whose groups get two retries, so the DLQ test runs in seconds.</summary>
    public sealed class Fixture : BrokerFixture
    {
        protected override BrokerOptions Options => new()
        {
            ExtraProperties = new Dictionary<string, string> { ["defaultRetryMaxTimes"] = "2" },
        };
    }
}
