using Microsoft.Extensions.DependencyInjection;
using RocketTax.RocketMQ.Broker.Managers;
using RocketTax.RocketMQ.Broker.Managers.Filtering;
using RocketTax.RocketMQ.Broker.Store;
using RocketTax.RocketMQ.Broker.Tests.Store;
using RocketTax.Testing;
using Encoding = System.Text.Encoding;

namespace RocketTax.RocketMQ.Broker.Tests.Messaging;

/// <summary>
/// A POP receive that found nothing waits for its queue (or any queue of its topic) to be woken: by a message arriving,
/// even one arriving while the receive was still looking, and, on a FIFO queue, by the ack that frees it.
/// </summary>
public sealed class PopLongPollingTests : MessageStoreTestBase
{
    private const string Topic = "pop-long-polling";
    private const string Group = "pop-long-polling-group";
    private const string Wanted = "wanted";

    /// <summary>Far past the test's timeout: a receive that missed its wake-up would still be waiting when the test fails.</summary>
    private static readonly TimeSpan LongPolling = TimeSpan.FromMinutes(5);

    private static readonly TimeSpan Invisible = TimeSpan.FromMinutes(1);

    [Theory]
    [InlineData(QueueArrivals.AnyQueue)]
    [InlineData(0)]
    public async Task A_message_arriving_while_the_receive_looks_wakes_it_from_its_wait(int queueId)
    {
        var store = await OpenAsync();
        await PutAsync(store, Message(Topic, 0, "not wanted", tag: "other"));
        await using var broker = BrokerServices(store);
        var topic = broker.GetRequiredService<TopicManager>().CreateOrUpdate(new TopicConfig(Topic, 1));
        var pop = broker.GetRequiredService<PopManager>();
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        store.MessagesArrived += (_, _) => arrived.TrySetResult(); // after the broker's own handler: when this runs, the broker has been woken
        var filter = new AppendingWhileLooking(async () =>
        {
            await PutAsync(store, Message(Topic, 0, "arrived while looking", tag: Wanted));
            await arrived.Task;
        });

        var popped = await pop.PopAsync(Group, topic, queueId, filter, 1, Invisible, LongPolling, Ct).AsTask().WaitAsync(Timeout, Ct);

        Assert.Equal("arrived while looking", Encoding.UTF8.GetString(Assert.Single(popped).Message.Body.Span));
        Assert.True(filter.AppendedDuringTheFirstLook);
    }

    [Fact]
    public async Task Acking_the_message_that_holds_a_FIFO_queue_wakes_a_receive_waiting_behind_it()
    {
        var store = await OpenAsync();
        await PutAsync(store, Message(Topic, 0, "first"));
        await PutAsync(store, Message(Topic, 0, "second"));
        await using var broker = BrokerServices(store);
        var topic = broker.GetRequiredService<TopicManager>().CreateOrUpdate(new TopicConfig(Topic, 1, TopicMessageType.Fifo));
        broker.GetRequiredService<SubscriptionGroupManager>().CreateOrUpdate(new SubscriptionGroupConfig { GroupName = Group, ConsumeMessageOrderly = true });
        var pop = broker.GetRequiredService<PopManager>();
        var first = Assert.Single(await pop.PopAsync(Group, topic, QueueArrivals.AnyQueue, TagFilter.All, 1, Invisible, TimeSpan.Zero, Ct));

        var arrivals = broker.GetRequiredService<QueueArrivals>();
        arrivals.Wake(Topic, 0); // ends the wait the first receive left behind, so the next one seen is the second receive's
        Assert.False(arrivals.IsAwaited(Topic, QueueArrivals.AnyQueue));
        var waiting = pop.PopAsync(Group, topic, QueueArrivals.AnyQueue, TagFilter.All, 1, Invisible, LongPolling, Ct).AsTask();
        await Eventually.TrueAsync(() => arrivals.IsAwaited(Topic, QueueArrivals.AnyQueue), Timeout, "the receive waiting behind the held queue", Ct);
        Assert.False(waiting.IsCompleted);
        Assert.Equal(ReceiptOutcome.Done, pop.Ack(Group, first.Handle));

        var second = await waiting.WaitAsync(Timeout, Ct);
        Assert.Equal("second", Encoding.UTF8.GetString(Assert.Single(second).Message.Body.Span));
    }

    /// <summary>
    /// Wants messages tagged <see cref="Wanted"/>; the first time the receive looks at an entry it appends one and waits
    /// until the store has announced it, so the message lands after the receive read the queue's end and before it waits.
    /// </summary>
    private sealed class AppendingWhileLooking(Func<Task> append) : IMessageFilter
    {
        private int _looks;

        public bool AppendedDuringTheFirstLook { get; private set; }

        public bool MayMatch(long tagHashCode)
        {
            if (Interlocked.Increment(ref _looks) == 1)
            {
                // The filter is synchronous: the look is held here until the arrival has been announced.
                append().WaitAsync(Timeout).GetAwaiter().GetResult();
                AppendedDuringTheFirstLook = true;
            }

            return tagHashCode == TagHash.Of(Wanted);
        }

        public bool Matches(StoredMessage message) => message.Tag == Wanted;
    }
}
