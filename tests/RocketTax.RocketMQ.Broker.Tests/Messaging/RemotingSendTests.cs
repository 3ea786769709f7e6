using System.IO.Compression;
using Microsoft.Extensions.DependencyInjection;
using RocketTax.RocketMQ.Broker.Cluster;
using RocketTax.RocketMQ.Broker.Hosting;
using RocketTax.RocketMQ.Broker.Managers.Timer;
using RocketTax.RocketMQ.Broker.Remoting;
using RocketTax.RocketMQ.Broker.Store;
using RocketTax.RocketMQ.Broker.Tests.Store;
using RocketTax.RocketMQ.Remoting;
using RocketTax.RocketMQ.Remoting.Messages;
using Encoding = System.Text.Encoding;

namespace RocketTax.RocketMQ.Broker.Tests.Messaging;

/// <summary>
/// Sends as 4.x producers make them over remoting (<c>SEND_MESSAGE_V2</c>, <c>SEND_BATCH_MESSAGE</c>, compressed bodies,
/// delay levels), through the broker's layers in process over a real store, and a remoting connection that keeps
/// answering while one of its sends waits.
/// </summary>
public sealed class RemotingSendTests : MessageStoreTestBase
{
    private const string Topic = "tax-data-topic";
    private const string Peer = "127.0.0.1:50001";

    [Fact]
    public async Task SEND_MESSAGE_V2_stores_the_message_with_its_properties_and_answers_its_offset_id_and_queue_offset()
    {
        var store = await OpenAsync();
        await using var broker = BrokerServices(store);
        var processor = broker.GetRequiredService<SendMessageProcessor>();

        var answer = await processor.ProcessAsync(SendV2("city 0001, 2021S1", ("UNIQ_KEY", "7F0000011F4018B4AAC2000000000001"), ("TAGS", "2021S1"), ("KEYS", "city-0001")), Peer, Ct);

        Assert.Equal(ResponseCode.Success, answer.Code);
        var stored = Assert.Single(StoredMessages(store, Topic));
        Assert.Equal("city 0001, 2021S1", Encoding.UTF8.GetString(stored.Body.Span));
        Assert.Equal("2021S1", stored.Tag);
        Assert.Equal("city-0001", stored.Properties["KEYS"]);
        Assert.Equal("7F0000011F4018B4AAC2000000000001", stored.Properties["UNIQ_KEY"]);
        Assert.Equal(1_700_000_000_123, stored.BornTimestamp);
        Assert.Equal(MessageIds.OffsetMessageId(StoreHost(broker), stored.CommitLogOffset), answer.Field("msgId"));
        Assert.Equal("0", answer.Field("queueOffset"));
        Assert.Equal("0", answer.Field("queueId"));
    }

    [Fact]
    public async Task SEND_BATCH_MESSAGE_stores_every_message_in_order_and_answers_each_offset_id()
    {
        var store = await OpenAsync();
        await using var broker = BrokerServices(store);
        var messages = Enumerable.Range(1, 3)
            .Select(i => new BatchMessage(0, Encoding.UTF8.GetBytes($"report {i}"), MessagePropertiesCodec.Encode([new("UNIQ_KEY", $"id-{i}"), new("TAGS", "2021S1")])))
            .ToArray();
        var request = RemotingCommand.Request(RequestCode.SendBatchMessage, Header().ToShortFields(batch: true), MessageBatchCodec.Encode(messages));

        var answer = await broker.GetRequiredService<SendMessageProcessor>().ProcessAsync(request, Peer, Ct);

        Assert.Equal(ResponseCode.Success, answer.Code);
        var stored = StoredMessages(store, Topic);
        Assert.Equal(["report 1", "report 2", "report 3"], stored.Select(m => Encoding.UTF8.GetString(m.Body.Span)));
        Assert.Equal(["id-1", "id-2", "id-3"], stored.Select(m => m.Properties["UNIQ_KEY"]));
        Assert.Equal(string.Join(',', stored.Select(m => MessageIds.OffsetMessageId(StoreHost(broker), m.CommitLogOffset))), answer.Field("msgId"));
    }

    [Fact]
    public async Task A_zlib_compressed_body_is_stored_as_it_was_before_compression()
    {
        var store = await OpenAsync();
        await using var broker = BrokerServices(store);
        var body = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("quarterly tax summary ", 400)));
        using var compressed = new MemoryStream();
        await using (var zlib = new ZLibStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            await zlib.WriteAsync(body, Ct);
        }

        var request = RemotingCommand.Request(RequestCode.SendMessageV2, (Header() with { SysFlag = MessageSysFlag.Compressed }).ToShortFields(), compressed.ToArray());
        var answer = await broker.GetRequiredService<SendMessageProcessor>().ProcessAsync(request, Peer, Ct);

        Assert.Equal(ResponseCode.Success, answer.Code);
        Assert.Equal(body, Assert.Single(StoredMessages(store, Topic)).Body.ToArray());
    }

    [Fact]
    public async Task A_compressed_body_that_inflates_past_maxMessageSize_is_refused_and_not_stored()
    {
        var store = await OpenAsync();
        await using var broker = BrokerServices(store);
        using var compressed = new MemoryStream();
        await using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            // 5 MiB of zeros, over the default 4 MiB limit, compress to a few KiB.
            await zlib.WriteAsync(new byte[5 * 1024 * 1024], Ct);
        }

        var request = RemotingCommand.Request(RequestCode.SendMessageV2, (Header() with { SysFlag = MessageSysFlag.Compressed }).ToShortFields(), compressed.ToArray());
        var answer = await broker.GetRequiredService<SendMessageProcessor>().ProcessAsync(request, Peer, Ct);

        Assert.Equal(ResponseCode.MessageIllegal, answer.Code);
        Assert.Contains("inflates to more than maxMessageSize", answer.Remark, StringComparison.Ordinal);
        Assert.Empty(StoredMessages(store, Topic));
    }

    [Fact]
    public async Task A_DELAY_level_goes_to_the_timer_due_at_that_level_of_messageDelayLevel()
    {
        var store = await OpenAsync();
        await using var broker = BrokerServices(store);
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        // Level 2 of the default levels (1s 5s 10s ...) is 5 s.
        var answer = await broker.GetRequiredService<SendMessageProcessor>().ProcessAsync(SendV2("later", ("UNIQ_KEY", "delayed-1"), ("DELAY", "2")), Peer, Ct);

        var after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Assert.Equal(ResponseCode.Success, answer.Code);
        Assert.Empty(StoredMessages(store, Topic));
        var pending = Assert.Single(StoredMessages(store, TimerMessageService.TimerTopic));
        Assert.Equal("delayed-1", pending.Properties["UNIQ_KEY"]);
        Assert.InRange(long.Parse(pending.Properties["TIMER_DELIVER_MS"], System.Globalization.CultureInfo.InvariantCulture), before + 5_000, after + 5_000);
        Assert.Equal(1, broker.GetRequiredService<TimerMessageService>().PendingCount);
    }

    [Fact]
    public async Task A_batch_carrying_a_delayed_message_is_refused_and_nothing_of_it_stored()
    {
        var store = await OpenAsync();
        await using var broker = BrokerServices(store);
        BatchMessage[] messages =
        [
            new(0, "now"u8.ToArray(), MessagePropertiesCodec.Encode([new("UNIQ_KEY", "id-1")])),
            new(0, "later"u8.ToArray(), MessagePropertiesCodec.Encode([new("UNIQ_KEY", "id-2"), new("DELAY", "1")])),
        ];
        var request = RemotingCommand.Request(RequestCode.SendBatchMessage, Header().ToShortFields(batch: true), MessageBatchCodec.Encode(messages));

        var answer = await broker.GetRequiredService<SendMessageProcessor>().ProcessAsync(request, Peer, Ct);

        Assert.Equal(ResponseCode.MessageIllegal, answer.Code);
        Assert.Contains("cannot carry delayed messages", answer.Remark, StringComparison.Ordinal);
        Assert.Empty(StoredMessages(store, Topic));
        Assert.Empty(StoredMessages(store, TimerMessageService.TimerTopic));
    }

    [Theory]
    [InlineData(MessageSysFlag.Compressed, "not zlib at all", "is not valid zlib")]
    [InlineData(MessageSysFlag.TransactionPrepared, "half", "over gRPC only")]
    public async Task A_body_flagged_compressed_that_is_not_zlib_or_a_half_message_is_refused_saying_why_and_not_stored(int sysFlag, string body, string why)
    {
        var store = await OpenAsync();
        await using var broker = BrokerServices(store);
        var request = RemotingCommand.Request(RequestCode.SendMessageV2, (Header() with { SysFlag = sysFlag }).ToShortFields(), Encoding.UTF8.GetBytes(body));

        var answer = await broker.GetRequiredService<SendMessageProcessor>().ProcessAsync(request, Peer, Ct);

        Assert.Equal(ResponseCode.MessageIllegal, answer.Code);
        Assert.Contains(why, answer.Remark, StringComparison.Ordinal);
        Assert.Empty(StoredMessages(store, Topic));
    }

    [Fact]
    public async Task A_connection_answers_other_requests_while_one_of_its_sends_waits_for_the_store()
    {
        var store = await OpenAsync();
        await using var broker = BrokerServices(store);
        await using var server = await StartRemotingServerAsync([broker.GetRequiredService<SendMessageProcessor>(), new Echo()]);
        await using var client = new RemotingClient();
        var address = $"127.0.0.1:{server.Port}";
        using var hold = new AppenderHold(store);
        Assert.Equal(ResponseCode.Success, (await client.InvokeAsync(address, SendV2("first"), Timeout, Ct)).Code);
        await hold.HeldAsync(Ct);

        var waiting = client.InvokeAsync(address, SendV2("second"), Timeout, Ct);
        var echo = await client.InvokeAsync(address, RemotingCommand.Request(Echo.Code), Timeout, Ct);

        Assert.Equal(ResponseCode.Success, echo.Code);
        Assert.False(waiting.IsCompleted, "the send behind the held appender was answered before the store took it");
        hold.Release();
        Assert.Equal(ResponseCode.Success, (await waiting.WaitAsync(Timeout, Ct)).Code);
        Assert.Equal(2, StoredMessages(store, Topic).Length);
    }

    [Fact]
    public async Task An_answer_too_large_for_a_frame_goes_out_as_an_error_and_the_connection_keeps_serving()
    {
        await using var server = await StartRemotingServerAsync([new Echo()]);
        await using var client = new RemotingClient();
        var address = $"127.0.0.1:{server.Port}";

        var huge = await client.InvokeAsync(address, RemotingCommand.Request(Echo.Code, new Dictionary<string, string> { ["huge"] = "true" }), Timeout, Ct);

        Assert.Equal(ResponseCode.SystemError, huge.Code);
        Assert.Contains("the answer was not sent", huge.Remark, StringComparison.Ordinal);
        Assert.Equal(ResponseCode.Success, (await client.InvokeAsync(address, RemotingCommand.Request(Echo.Code), Timeout, Ct)).Code);
    }

    private static SendMessageHeader Header() => new("city-tax-producer", Topic, 0, 0, 1_700_000_000_123, 0, null, 0);

    private static RemotingCommand SendV2(string body, params (string Name, string Value)[] properties) =>
        RemotingCommand.Request(RequestCode.SendMessageV2,
            (Header() with { Properties = MessagePropertiesCodec.Encode(properties.Select(p => KeyValuePair.Create(p.Name, p.Value))) }).ToShortFields(),
            Encoding.UTF8.GetBytes(body));

    /// <summary>The address offset ids are made of: the broker's advertised remoting address.</summary>
    private static string StoreHost(IServiceProvider broker) => broker.GetRequiredService<BrokerIdentity>().RemotingAddress;

    private static StoredMessage[] StoredMessages(IMessageStore store, string topic) =>
        [.. ReadEntries(store, topic, 0).Select(entry => store.ReadMessage(entry)!)];

    /// <summary>Answers at once, whatever the connection's other requests are doing; with field <c>huge</c>, with a body over the frame limit.</summary>
    private sealed class Echo : IRemotingRequestProcessor
    {
        public const int Code = 9_001;

        public IReadOnlyCollection<int> RequestCodes { get; } = [Code];

        public ValueTask<RemotingCommand> ProcessAsync(RemotingCommand request, string peer, CancellationToken cancellationToken) =>
            ValueTask.FromResult(RemotingCommand.Response(request, ResponseCode.Success,
                body: request.Field("huge") is null ? null : new byte[RemotingCommandCodec.MaxFrameLength + 1]));
    }
}
