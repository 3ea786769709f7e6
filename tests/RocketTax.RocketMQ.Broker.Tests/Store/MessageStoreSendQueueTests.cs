using System.Text;
using RocketTax.RocketMQ.Broker.Store;

namespace RocketTax.RocketMQ.Broker.Tests.Store;

/// <summary>
/// The send queue's flow control: a producer's send that waited past <c>waitTimeMillsInSendQueue</c> before its
/// append, or found <c>sendThreadPoolQueueCapacity</c> sends already waiting, is refused and not stored; the
/// broker's own puts are never refused; once the queue drains, sends are stored again.
/// </summary>
public sealed class MessageStoreSendQueueTests : MessageStoreTestBase
{
    private const string Topic = "send-queue";

    [Fact]
    public async Task Send_that_waited_past_waitTimeMillsInSendQueue_is_refused_and_not_stored()
    {
        var clock = new ManualClock();
        var store = await OpenAsync(Options() with { SendQueueWaitLimit = TimeSpan.FromMilliseconds(200) }, clock);
        using var hold = new AppenderHold(store);
        var first = store.PutSendAsync([Message(Topic, 0, "first")], Ct).AsTask();
        await hold.HeldAsync(Ct);

        var late = store.PutSendAsync([Message(Topic, 0, "late")], Ct).AsTask();
        var retry = store.PutMessagesAsync([Message(Topic, 0, "broker's own put")], Ct).AsTask();
        clock.Advance(TimeSpan.FromMilliseconds(201));
        hold.Release();

        await first.WaitAsync(Timeout, Ct);
        var refused = await Assert.ThrowsAsync<StoreBusyException>(() => late.WaitAsync(Timeout, Ct));
        Assert.Equal(TimeSpan.FromMilliseconds(201), refused.Waited);
        Assert.Contains("waited 201 ms in the send queue, over waitTimeMillsInSendQueue=200 ms", refused.Message, StringComparison.Ordinal);
        await retry.WaitAsync(Timeout, Ct);
        Assert.Equal(["first", "broker's own put"], Bodies(store));
        Assert.Equal(1, store.Statistics.SendsRefused);

        // The pressure is gone: the next send waits no time and is stored.
        var after = await store.PutSendAsync([Message(Topic, 0, "after")], Ct).AsTask().WaitAsync(Timeout, Ct);
        Assert.Equal(2, after[0].QueueOffset);
        Assert.Equal(["first", "broker's own put", "after"], Bodies(store));
        Assert.Equal(0, store.QueuedSends);
    }

    [Fact]
    public async Task Send_that_waited_exactly_the_limit_is_stored()
    {
        var clock = new ManualClock();
        var store = await OpenAsync(Options() with { SendQueueWaitLimit = TimeSpan.FromMilliseconds(200) }, clock);
        using var hold = new AppenderHold(store);
        var first = store.PutSendAsync([Message(Topic, 0, "first")], Ct).AsTask();
        await hold.HeldAsync(Ct);

        var waited = store.PutSendAsync([Message(Topic, 0, "on time")], Ct).AsTask();
        clock.Advance(TimeSpan.FromMilliseconds(200));
        Assert.Equal(1, store.QueuedSends);
        Assert.Equal(TimeSpan.FromMilliseconds(200), store.SendQueueHeadWait);
        hold.Release();

        await Task.WhenAll(first, waited).WaitAsync(Timeout, Ct);
        Assert.Equal(["first", "on time"], Bodies(store));
        Assert.Equal(0, store.Statistics.SendsRefused);
    }

    [Fact]
    public async Task Send_beyond_sendThreadPoolQueueCapacity_is_refused_at_once_and_the_queued_ones_are_stored()
    {
        var store = await OpenAsync(Options() with { SendQueueCapacity = 2 }, new ManualClock());
        using var hold = new AppenderHold(store);
        var first = store.PutSendAsync([Message(Topic, 0, "first")], Ct).AsTask();
        await hold.HeldAsync(Ct);
        var queued = new[]
        {
            store.PutSendAsync([Message(Topic, 0, "queued 1")], Ct).AsTask(),
            store.PutSendAsync([Message(Topic, 0, "queued 2")], Ct).AsTask(),
        };

        var overflow = store.PutSendAsync([Message(Topic, 0, "overflow")], Ct).AsTask();

        // Refused before the held appender moves: the answer does not wait for the queue.
        Assert.True(overflow.IsFaulted);
        var refused = await Assert.ThrowsAsync<StoreBusyException>(() => overflow);
        Assert.Equal(2, refused.QueuedSends);
        Assert.Contains("sendThreadPoolQueueCapacity=2", refused.Message, StringComparison.Ordinal);
        hold.Release();
        await Task.WhenAll([first, .. queued]).WaitAsync(Timeout, Ct);
        await store.PutSendAsync([Message(Topic, 0, "after")], Ct).AsTask().WaitAsync(Timeout, Ct);
        Assert.Equal(["first", "queued 1", "queued 2", "after"], Bodies(store));
        Assert.Equal(1, store.Statistics.SendsRefused);
    }

    private static string[] Bodies(IMessageStore store) =>
        [.. ReadEntries(store, Topic, 0).Select(entry => Encoding.UTF8.GetString(store.ReadMessage(entry)!.Body.Span))];
}
