using System.Collections.Concurrent;
using RocketTax.RocketMQ.Client.Consumer;
using RocketTax.RocketMQ.Client.Session;

namespace RocketTax.RocketMQ.Client.Tests;

/// <summary>The batcher's lanes: one broker's stalled ack call holds back none of another broker's acks.</summary>
public sealed class AckBatcherTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private static readonly EndpointAddress BrokerA = new("127.0.0.1", 8081);
    private static readonly EndpointAddress BrokerB = new("127.0.0.1", 8091);

    [Fact(Timeout = 30_000)]
    public async Task A_stalled_broker_holds_back_only_its_own_acks()
    {
        var stalled = new TaskCompletionSource<RocketMQException?[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        var batcher = new AckBatcher(messages => messages[0].Endpoint == BrokerB ? stalled.Task : Task.FromResult(new RocketMQException?[messages.Count]));
        var running = Task.Run(batcher.RunAsync, TestContext.Current.CancellationToken);

        var onB = batcher.AckAsync(Message(BrokerB, "b1"));
        await batcher.AckAsync(Message(BrokerA, "a1")).WaitAsync(Patience, TestContext.Current.CancellationToken);
        // Settled after broker-b's call went out: it must not wait for that call either.
        await batcher.AckAsync(Message(BrokerA, "a2")).WaitAsync(Patience, TestContext.Current.CancellationToken);
        Assert.False(onB.IsCompleted);
        stalled.SetResult([null]);
        await onB.WaitAsync(Patience, TestContext.Current.CancellationToken);
        batcher.Complete();
        await running.WaitAsync(Patience, TestContext.Current.CancellationToken);
    }

    [Fact(Timeout = 30_000)]
    public async Task Acks_settled_while_a_call_is_on_the_wire_go_together_in_the_next()
    {
        var first = new TaskCompletionSource<RocketMQException?[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = new ConcurrentQueue<int>();
        var batcher = new AckBatcher(messages =>
        {
            calls.Enqueue(messages.Count);
            return calls.Count == 1 ? first.Task : Task.FromResult(new RocketMQException?[messages.Count]);
        });
        var running = Task.Run(batcher.RunAsync, TestContext.Current.CancellationToken);

        var acks = new List<Task> { batcher.AckAsync(Message(BrokerA, "m0")) };
        await Eventually.TrueAsync(() => calls.Count == 1, Patience, "the first ack call", TestContext.Current.CancellationToken);
        acks.AddRange(Enumerable.Range(1, 5).Select(i => batcher.AckAsync(Message(BrokerA, $"m{i}"))));
        first.SetResult([null]);
        await Task.WhenAll(acks).WaitAsync(Patience, TestContext.Current.CancellationToken);
        batcher.Complete();
        await running.WaitAsync(Patience, TestContext.Current.CancellationToken);

        Assert.Equal([1, 5], calls);
    }

    private static MessageView Message(EndpointAddress broker, string id) => new(id, "ack-lane-topic", ReadOnlyMemory<byte>.Empty, $"handle-{id}", broker);
}
