using Apache.Rocketmq.V2;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.DependencyInjection;
using RocketTax.RocketMQ.Broker.Cluster;
using RocketTax.RocketMQ.Broker.Configuration;
using RocketTax.RocketMQ.Broker.Grpc;
using RocketTax.RocketMQ.Broker.Grpc.Handlers;
using RocketTax.RocketMQ.Broker.Hosting;
using RocketTax.RocketMQ.Broker.Managers;
using RocketTax.RocketMQ.Broker.Managers.Timer;
using RocketTax.RocketMQ.Broker.Managers.Transactions;
using RocketTax.RocketMQ.Broker.Store;
using RocketTax.RocketMQ.Broker.Tests.Store;
using RocketTax.RocketMQ.Remoting;
using RocketTax.Testing;
using Encoding = System.Text.Encoding;

namespace RocketTax.RocketMQ.Broker.Tests.Messaging;

/// <summary>
/// What a producer sees of the send queue's flow control: a send that waited past <c>waitTimeMillsInSendQueue</c>
/// is answered TOO_MANY_REQUESTS (gRPC) or SYSTEM_BUSY (remoting) and nothing of it is stored; once the queue is
/// short again, sends are stored. Delayed and transactional (half) sends are under the same control; the broker's own
/// puts, such as a due delayed message going to its topic, are not. The broker's layers run in process over a real
/// store whose clock the test moves.
/// </summary>
public sealed class SendThrottlingTests : MessageStoreTestBase
{
    private const string Topic = "throttled";
    private static readonly ClientMetadata Producer = new("producer-1", "DOTNET", "5.0.0", null, "127.0.0.1:50000");

    [Fact]
    public async Task SendMessage_that_waited_past_the_limit_is_answered_TOO_MANY_REQUESTS_and_not_stored()
    {
        var clock = new ManualClock();
        var store = await OpenAsync(Options() with { SendQueueWaitLimit = TimeSpan.FromMilliseconds(200) }, clock);
        await using var broker = BrokerServices(store);
        var handler = broker.GetRequiredService<SendMessageHandler>();
        Assert.Equal(Code.Ok, (await handler.HandleAsync(Send("before"), Producer, Ct)).Status.Code);
        using var hold = new AppenderHold(store);
        var first = handler.HandleAsync(Send("first"), Producer, Ct);
        await hold.HeldAsync(Ct);

        var late = handler.HandleAsync(Send("late"), Producer, Ct);
        clock.Advance(TimeSpan.FromMilliseconds(250));
        hold.Release();

        Assert.Equal(Code.Ok, (await first.WaitAsync(Timeout, Ct)).Status.Code);
        var refused = await late.WaitAsync(Timeout, Ct);
        Assert.Equal(Code.TooManyRequests, refused.Status.Code);
        Assert.Equal(42900, (int)refused.Status.Code);
        Assert.StartsWith("broker-t: the broker is busy and did not store the send: the send waited 250 ms", refused.Status.Message, StringComparison.Ordinal);
        var entry = Assert.Single(refused.Entries);
        Assert.Equal(Code.TooManyRequests, entry.Status.Code);
        Assert.Equal(["before", "first"], StoredBodies(store));

        var after = await handler.HandleAsync(Send("after"), Producer, Ct).WaitAsync(Timeout, Ct);
        Assert.Equal(Code.Ok, after.Status.Code);
        Assert.Equal(["before", "first", "after"], StoredBodies(store));
    }

    [Fact]
    public async Task Remoting_SEND_MESSAGE_that_waited_past_the_limit_is_answered_SYSTEM_BUSY_and_not_stored()
    {
        var clock = new ManualClock();
        var store = await OpenAsync(Options() with { SendQueueWaitLimit = TimeSpan.FromMilliseconds(200) }, clock);
        await using var broker = BrokerServices(store);
        var processor = broker.GetRequiredService<SendMessageProcessor>();
        Assert.Equal(ResponseCode.Success, (await processor.ProcessAsync(RemotingSend("before"), "127.0.0.1:50001", Ct)).Code);
        using var hold = new AppenderHold(store);
        var first = processor.ProcessAsync(RemotingSend("first"), "127.0.0.1:50001", Ct).AsTask();
        await hold.HeldAsync(Ct);

        var late = processor.ProcessAsync(RemotingSend("late"), "127.0.0.1:50001", Ct).AsTask();
        clock.Advance(TimeSpan.FromMilliseconds(250));
        hold.Release();

        Assert.Equal(ResponseCode.Success, (await first.WaitAsync(Timeout, Ct)).Code);
        var refused = await late.WaitAsync(Timeout, Ct);
        Assert.Equal(ResponseCode.SystemBusy, refused.Code);
        Assert.Contains("waitTimeMillsInSendQueue=200 ms", refused.Remark, StringComparison.Ordinal);
        Assert.Equal(["before", "first"], StoredBodies(store));
        Assert.Equal(ResponseCode.Success, (await processor.ProcessAsync(RemotingSend("after"), "127.0.0.1:50001", Ct)).Code);
        Assert.Equal(["before", "first", "after"], StoredBodies(store));
    }

    [Theory]
    [InlineData(TopicMessageType.Delay)]
    [InlineData(TopicMessageType.Transaction)]
    public async Task Delayed_or_half_SendMessage_that_waited_past_the_limit_is_answered_TOO_MANY_REQUESTS_and_not_stored(TopicMessageType type)
    {
        var clock = new ManualClock();
        var store = await OpenAsync(Options() with { SendQueueWaitLimit = TimeSpan.FromMilliseconds(200) }, clock);
        await using var broker = BrokerServices(store);
        var topic = broker.GetRequiredService<TopicManager>().CreateOrUpdate(new TopicConfig($"throttled-{type}", 1, type)).Name;
        var handler = broker.GetRequiredService<SendMessageHandler>();
        using var hold = new AppenderHold(store);
        var first = handler.HandleAsync(Send("first"), Producer, Ct);
        await hold.HeldAsync(Ct);

        var late = handler.HandleAsync(Send("late", topic, type), Producer, Ct);
        clock.Advance(TimeSpan.FromMilliseconds(250));
        hold.Release();

        Assert.Equal(Code.Ok, (await first.WaitAsync(Timeout, Ct)).Status.Code);
        var refused = await late.WaitAsync(Timeout, Ct);
        Assert.Equal(Code.TooManyRequests, refused.Status.Code);
        Assert.StartsWith("broker-t: the broker is busy and did not store the send: the send waited 250 ms", refused.Status.Message, StringComparison.Ordinal);
        Assert.Empty(ReadEntries(store, TimerMessageService.TimerTopic, 0));
        Assert.Empty(ReadEntries(store, TransactionalMessageService.HalfTopic, 0));
        Assert.Equal(0, broker.GetRequiredService<TimerMessageService>().PendingCount);
        Assert.Equal(0, broker.GetRequiredService<TransactionalMessageService>().OpenCount);
    }

    [Fact]
    public async Task Due_delayed_message_is_delivered_although_the_send_queue_is_over_its_limit()
    {
        const string delayed = "throttled-delay";
        var clock = new ManualClock();
        var store = await OpenAsync(Options() with { SendQueueWaitLimit = TimeSpan.FromMilliseconds(200) }, clock);
        var watched = new PutWatchingStore(store, delayed);
        await using var broker = BrokerServices(watched);
        broker.GetRequiredService<TopicManager>().CreateOrUpdate(new TopicConfig(delayed, 1, TopicMessageType.Delay));
        var handler = broker.GetRequiredService<SendMessageHandler>();
        Assert.Equal(Code.Ok, (await handler.HandleAsync(Send("due", delayed, TopicMessageType.Delay, TimeSpan.FromMilliseconds(300)), Producer, Ct)).Status.Code);
        using var hold = new AppenderHold(store);
        var first = handler.HandleAsync(Send("first"), Producer, Ct);
        await hold.HeldAsync(Ct);

        var timer = broker.GetRequiredService<TimerMessageService>();
        await timer.StartAsync(Ct);
        await watched.QueuedAsync(Ct);
        var late = handler.HandleAsync(Send("late"), Producer, Ct);
        clock.Advance(TimeSpan.FromMilliseconds(250));
        hold.Release();

        Assert.Equal(Code.Ok, (await first.WaitAsync(Timeout, Ct)).Status.Code);
        Assert.Equal(Code.TooManyRequests, (await late.WaitAsync(Timeout, Ct)).Status.Code);
        await Eventually.TrueAsync(() => ReadEntries(store, delayed, 0).Length == 1, Timeout, "the due message in its topic", Ct);
        Assert.Equal("due", Encoding.UTF8.GetString(store.ReadMessage(ReadEntries(store, delayed, 0)[0])!.Body.Span));
        // The producer's late send only: the timer's own put, which waited as long, was not refused and retried.
        Assert.Equal(1, store.Statistics.SendsRefused);
        await timer.StopAsync(Ct);
    }

    /// <summary>A send of one message to a topic of <paramref name="type"/>; a delayed one is due <paramref name="delay"/> (an hour) from now.</summary>
    private static SendMessageRequest Send(string body, string topic = Topic, TopicMessageType type = TopicMessageType.Normal, TimeSpan? delay = null)
    {
        var system = new SystemProperties
        {
            MessageId = Guid.NewGuid().ToString("N"),
            BodyEncoding = Apache.Rocketmq.V2.Encoding.Identity,
            MessageType = type switch
            {
                TopicMessageType.Delay => MessageType.Delay,
                TopicMessageType.Transaction => MessageType.Transaction,
                _ => MessageType.Normal,
            },
            BornHost = "producer-host",
        };
        if (type == TopicMessageType.Delay)
        {
            system.DeliveryTimestamp = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow + (delay ?? TimeSpan.FromHours(1)));
        }

        return new SendMessageRequest
        {
            Messages = { new Apache.Rocketmq.V2.Message { Topic = new Resource { Name = topic }, SystemProperties = system, Body = ByteString.CopyFromUtf8(body) } },
        };
    }

    private static RemotingCommand RemotingSend(string body) =>
        RemotingCommand.Request(RequestCode.SendMessage, new Dictionary<string, string> { ["topic"] = Topic, ["queueId"] = "0" }, Encoding.UTF8.GetBytes(body));

    private static string[] StoredBodies(IMessageStore store) =>
        [.. ReadEntries(store, Topic, 0).Select(entry => Encoding.UTF8.GetString(store.ReadMessage(entry)!.Body.Span))];
}
