using Apache.Rocketmq.V2;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using RocketTax.RocketMQ.Broker.Cluster;
using RocketTax.RocketMQ.Broker.Configuration;
using RocketTax.RocketMQ.Broker.Grpc;
using RocketTax.RocketMQ.Broker.Grpc.Handlers;
using RocketTax.RocketMQ.Broker.Hosting;
using RocketTax.RocketMQ.Broker.Store;
using RocketTax.RocketMQ.Broker.Tests.Store;
using RocketTax.RocketMQ.Remoting;
using Encoding = System.Text.Encoding;

namespace RocketTax.RocketMQ.Broker.Tests.Messaging;

/// <summary>
/// What a producer sees of the send queue's flow control: a send that waited past <c>waitTimeMillsInSendQueue</c>
/// is answered TOO_MANY_REQUESTS (gRPC) or SYSTEM_BUSY (remoting) and nothing of it is stored; once the queue is
/// short again, sends are stored. The broker's layers run in process over a real store whose clock the test moves.
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
        await using var broker = Broker(store);
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
        await using var broker = Broker(store);
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

    /// <summary>The broker's services over <paramref name="store"/>, as the broker host registers them.</summary>
    private ServiceProvider Broker(IMessageStore store) => new ServiceCollection()
        .AddLogging()
        .AddMetrics()
        .AddBroker(new BrokerConfig { BrokerName = "broker-t", StorePathRootDir = RootDir, DefaultTopicQueueNums = 1 }, store)
        .BuildServiceProvider();

    private static SendMessageRequest Send(string body) => new()
    {
        Messages =
        {
            new Apache.Rocketmq.V2.Message
            {
                Topic = new Resource { Name = Topic },
                SystemProperties = new SystemProperties
                {
                    MessageId = Guid.NewGuid().ToString("N"),
                    BodyEncoding = Apache.Rocketmq.V2.Encoding.Identity,
                    MessageType = MessageType.Normal,
                    BornHost = "producer-host",
                },
                Body = ByteString.CopyFromUtf8(body),
            },
        },
    };

    private static RemotingCommand RemotingSend(string body) =>
        RemotingCommand.Request(RequestCode.SendMessage, new Dictionary<string, string> { ["topic"] = Topic, ["queueId"] = "0" }, Encoding.UTF8.GetBytes(body));

    private static string[] StoredBodies(IMessageStore store) =>
        [.. ReadEntries(store, Topic, 0).Select(entry => Encoding.UTF8.GetString(store.ReadMessage(entry)!.Body.Span))];
}
