using Microsoft.Extensions.DependencyInjection;
using RocketTax.RocketMQ.Broker.Managers;
using RocketTax.RocketMQ.Broker.Store;
using RocketTax.RocketMQ.Broker.Tests.Store;

namespace RocketTax.RocketMQ.Broker.Tests.Messaging;

/// <summary>
/// A consumer group popping a queue while messages are appended to it: every message stored gets handed out, however
/// a pop lines up with the store publishing the message (a pop that skipped one would never hand it out).
/// </summary>
public sealed class PopDuringAppendTests : MessageStoreTestBase
{
    private const string Topic = "pop-during-append";
    private const string Group = "pop-during-append-group";

    /// <summary>Queues each batch touches, queue 0 first: the more queues one commit publishes, the longer its publication takes.</summary>
    private const int Queues = 512;

    private const int Batches = 100;

    private static readonly TimeSpan Invisible = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task A_group_popping_a_queue_while_batches_are_appended_gets_every_message_once()
    {
        var store = await OpenAsync(Options(segmentSize: 64 * 1024 * 1024));
        await using var broker = BrokerServices(store);
        var topic = broker.GetRequiredService<TopicManager>().CreateOrUpdate(new TopicConfig(Topic, Queues));
        var pop = broker.GetRequiredService<PopManager>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var popper = Task.Run(() => PopQueueZeroAsync(pop, topic, stop.Token), Ct);
        try
        {
            for (var batch = 0; batch < Batches; batch++)
            {
                await PutAllAsync(store, [.. Enumerable.Range(0, Queues).Select(q => Message(Topic, q, $"b{batch}-q{q}"))]);
            }
        }
        finally
        {
            await stop.CancelAsync();
        }

        // Everything is stored and published now: one more pop hands out whatever the racing pops had not reached yet.
        var popped = await popper.WaitAsync(Timeout, Ct);
        popped.AddRange((await pop.PopAsync(Group, topic, 0, TagFilter.All, Batches, Invisible, TimeSpan.Zero, Ct)).Select(m => m.Handle.QueueOffset));
        var missing = Enumerable.Range(0, Batches).Select(o => (long)o).Except(popped).ToList();
        Assert.True(missing.Count == 0, $"queue 0 offsets never handed out: {string.Join(", ", missing)} ({popped.Count} popped)");
        Assert.Equal(Batches, popped.Count);
    }

    /// <summary>Pops queue 0 without waiting, again and again, so a pop runs while the store publishes each batch.</summary>
    private static async Task<List<long>> PopQueueZeroAsync(PopManager pop, TopicConfig topic, CancellationToken stop)
    {
        var offsets = new List<long>();
        while (!stop.IsCancellationRequested)
        {
            // Not cancelled mid-pop: a pop cut short could leave popped messages uncounted.
            foreach (var message in await pop.PopAsync(Group, topic, 0, TagFilter.All, 32, Invisible, TimeSpan.Zero, CancellationToken.None))
            {
                offsets.Add(message.Handle.QueueOffset);
            }
        }

        return offsets;
    }
}
