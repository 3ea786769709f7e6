using RocketTax.Chaos.Harness;

namespace RocketTax.Chaos.Faults;

/// <summary>
/// kill -9 of a consumer process mid-batch, beside a consumer of the same group that lives on: whatever the
/// dead one received and did not ack comes back once its invisible duration ends, and the live one consumes
/// it. Nothing acknowledged is lost, and a FIFO message group keeps its order across the handover.
/// </summary>
public sealed class ConsumerKillTests(ChaosClusterFixture cluster) : IClassFixture<ChaosClusterFixture>
{
    private static readonly TimeSpan VictimInvisibleDuration = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan FirstReceiveTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RedeliveryTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(60);

    [Fact(Timeout = 300_000)]
    public async Task Messages_a_killed_consumer_did_not_ack_are_redelivered_to_another_consumer()
    {
        var ct = TestContext.Current.CancellationToken;
        var trials = ChaosSettings.ProcessKillTrials;
        var random = new Random(ChaosSettings.Seed);
        TrafficStream[] streams = [new("chaos-consumer-kill-topic", "chaos-consumer-kill-group"), new("chaos-consumer-kill-fifo", "chaos-consumer-kill-fifo-group", Fifo: true)];
        await using var traffic = await cluster.StartTrafficAsync(streams, ct);
        var (abandoned, consumed, slowest) = (0, 0, TimeSpan.Zero);
        for (var trial = 1; trial <= trials; trial++)
        {
            var stream = streams[trial % streams.Length];
            await using var victim = ConsumerProcess.Start(cluster.Endpoints, stream, VictimInvisibleDuration, traffic.Checker);
            await victim.WaitForFirstReceivedAsync(FirstReceiveTimeout, ct);
            // A random moment of its work: receiving, acking half a batch, or waiting on the next receive.
            await Task.Delay(TimeSpan.FromMilliseconds(random.Next(0, 1_000)), ct);
            await victim.KillAsync(ct);
            var killedAt = DateTime.UtcNow;

            var unacked = victim.Unacked;
            await Poll.UntilAsync(() => unacked.All(traffic.Checker.WasDelivered), RedeliveryTimeout,
                () => $"trial {trial}: of {unacked.Count} messages the killed consumer did not ack, {unacked.Count(k => !traffic.Checker.WasDelivered(k))} never reached the live consumer, e.g. {unacked.FirstOrDefault(k => !traffic.Checker.WasDelivered(k))}", ct);
            slowest = TimeSpan.FromTicks(Math.Max(slowest.Ticks, (DateTime.UtcNow - killedAt).Ticks));
            abandoned += unacked.Count;
            consumed += victim.ConsumedCount;
        }

        var report = await traffic.DrainAsync(DrainTimeout, ct);
        ChaosLog.Write($"kill -9 of a consumer mid-batch: {trials} trials (seed {ChaosSettings.Seed}), {abandoned} messages received and not acked by the killed consumers " +
                       $"(its invisible duration {VictimInvisibleDuration.TotalSeconds:0} s), all consumed by the live consumer within {slowest.TotalSeconds:0.0} s of the kill; " +
                       $"{consumed} consumed by the killed consumers before they died; {report}");
        Assert.True(report.Lost == 0, $"Acknowledged messages were lost: {report}");
        Assert.True(report.OutOfOrder == 0, $"A FIFO message group was consumed out of order: {report}");
        Assert.True(abandoned > 0, "No killed consumer held an unacked message: the trials proved nothing.");
    }
}
