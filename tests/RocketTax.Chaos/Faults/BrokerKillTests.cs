using RocketTax.Chaos.Harness;

namespace RocketTax.Chaos.Faults;

/// <summary>
/// kill -9 of broker-a at random moments of continuous sends and consumption (appends, fsyncs, consume-queue
/// builds and acks are always in progress), then a restart on the same store: under SYNC_FLUSH no send the
/// broker acknowledged may be lost.
/// </summary>
public sealed class BrokerKillTests(ChaosClusterFixture cluster) : IClassFixture<ChaosClusterFixture>
{
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ProgressTimeout = TimeSpan.FromSeconds(30);

    [Fact(Timeout = 600_000)]
    public async Task No_acknowledged_message_is_lost_across_kill_9_of_broker_a_under_SYNC_FLUSH()
    {
        var ct = TestContext.Current.CancellationToken;
        var trials = ChaosSettings.Trials;
        var random = new Random(ChaosSettings.Seed);
        TrafficStream[] streams = [new("chaos-kill-topic", "chaos-kill-group"), new("chaos-kill-fifo", "chaos-kill-fifo-group", Fifo: true)];
        await using var traffic = await cluster.StartTrafficAsync(streams, ct);
        for (var trial = 1; trial <= trials; trial++)
        {
            // A random moment: somewhere in the next 0.1-1.5 s of traffic.
            await Task.Delay(TimeSpan.FromMilliseconds(random.Next(100, 1_500)), ct);
            await cluster.BrokerA.KillAsync(ct);
            await cluster.BrokerA.StartAsync(ct);
            await traffic.WaitForAcknowledgedAsync(20, ProgressTimeout, ct);
        }

        var report = await traffic.DrainAsync(DrainTimeout, ct);
        ChaosLog.Write($"kill -9 broker-a, SYNC_FLUSH: {trials} trials (seed {ChaosSettings.Seed}), {traffic.SendFailures} sends and {traffic.ReceiveFailures} receives failed; {report}");
        Assert.True(report.Lost == 0, $"Acknowledged messages were lost: {report}; last failure: {traffic.LastFailure}{Environment.NewLine}{await cluster.ConsumerProgressAsync(streams[0].ConsumerGroup, ct)}{Environment.NewLine}{cluster.StoreEvents()}");
        Assert.True(report.Acknowledged > trials * 20, $"Too little traffic to judge: {report}");
    }

    [Fact(Timeout = 600_000)]
    public async Task No_acknowledged_message_is_lost_across_SIGSTOP_stalls_of_broker_a()
    {
        var ct = TestContext.Current.CancellationToken;
        var trials = ChaosSettings.StallTrials;
        var random = new Random(ChaosSettings.Seed);
        TrafficStream[] streams = [new("chaos-stall-topic", "chaos-stall-group")];
        await using var traffic = await cluster.StartTrafficAsync(streams, ct);
        var pid = cluster.BrokerA.ProcessId ?? throw new InvalidOperationException("broker-a is not running");
        for (var trial = 1; trial <= trials; trial++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(random.Next(100, 1_000)), ct);
            ProcessSignals.Stop(pid);
            try
            {
                // The stall lasts until sends got through anyway: past the client's 3 s request timeout, to broker-b.
                await traffic.WaitForAcknowledgedAsync(3, ProgressTimeout, ct);
                Assert.True(cluster.BrokerA.IsRunning, "broker-a died of SIGSTOP");
            }
            finally
            {
                ProcessSignals.Continue(pid);
            }
        }

        var report = await traffic.DrainAsync(DrainTimeout, ct);
        ChaosLog.Write($"SIGSTOP/SIGCONT broker-a: {trials} stalls (seed {ChaosSettings.Seed}), {traffic.SendFailures} sends failed; {report}");
        Assert.True(report.Lost == 0, $"Acknowledged messages were lost: {report}");
    }
}
