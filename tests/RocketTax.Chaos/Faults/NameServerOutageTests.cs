using RocketTax.Chaos.Harness;

namespace RocketTax.Chaos.Faults;

/// <summary>
/// Both name servers killed for a minute of steady traffic: producers and consumers keep working from the
/// routes they (and the brokers) cached, and everything goes on once the name servers come back.
/// </summary>
public sealed class NameServerOutageTests(ChaosClusterFixture cluster) : IClassFixture<ChaosClusterFixture>
{
    /// <summary>A FIFO topic without consumers: fresh producers send to it to see which queue each message group maps to.</summary>
    private static readonly TrafficStream ProbeStream = new("chaos-ns-probe-fifo", "chaos-ns-probe-group", Fifo: true);

    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ProgressTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(60);

    [Fact(Timeout = 300_000)]
    public async Task Producers_and_consumers_keep_working_while_both_name_servers_are_down_for_60_s()
    {
        var ct = TestContext.Current.CancellationToken;
        TrafficStream[] streams = [new("chaos-ns-topic", "chaos-ns-group"), new("chaos-ns-fifo", "chaos-ns-fifo-group", Fifo: true)];
        await cluster.CreateAsync(ProbeStream, ct);
        await using var traffic = await cluster.StartTrafficAsync(streams, ct);
        var groupsBefore = await MessageGroupQueues.ProbeAsync(cluster.Endpoints, ProbeStream.Topic, ct);

        await cluster.NameServer1.KillAsync(ct);
        await cluster.NameServer2.KillAsync(ct);
        var outageStarted = DateTime.UtcNow;
        var acknowledgedBefore = traffic.Checker.AcknowledgedCount;
        var outageEnds = DateTime.UtcNow + Outage;
        var checks = 0;
        while (DateTime.UtcNow < outageEnds)
        {
            // Every round proves both directions still move; each wait has its own deadline.
            await traffic.WaitForAcknowledgedAsync(20, ProgressTimeout, ct);
            await traffic.WaitForDeliveredAsync(20, ProgressTimeout, ct);
            checks++;
        }

        var acknowledgedDuringOutage = traffic.Checker.AcknowledgedCount - acknowledgedBefore;
        var groupsLateInOutage = await MessageGroupQueues.ProbeAsync(cluster.Endpoints, ProbeStream.Topic, ct);
        await cluster.NameServer1.StartAsync(ct);
        await cluster.NameServer2.StartAsync(ct);
        var outageEnded = DateTime.UtcNow;
        await traffic.WaitForAcknowledgedAsync(50, ProgressTimeout, ct);

        var report = await traffic.DrainAsync(DrainTimeout, ct);
        ChaosLog.Write($"both name servers down {Outage.TotalSeconds:0} s ({outageStarted:HH:mm:ss.fff} to {outageEnded:HH:mm:ss.fff}): {acknowledgedDuringOutage} sends acknowledged during the outage, " +
                       $"{checks} progress checks, {traffic.SendFailures} sends failed; {report}");
        Assert.True(report.Lost == 0, $"Acknowledged messages were lost: {report}; last failure: {traffic.LastFailure}{Environment.NewLine}{cluster.StoreEvents()}");
        Assert.True(MessageGroupQueues.Describe(groupsBefore) == MessageGroupQueues.Describe(groupsLateInOutage),
            $"A fresh producer late in the outage sent message groups to other queues than before it (before: {MessageGroupQueues.Describe(groupsBefore)}; " +
            $"late in the outage: {MessageGroupQueues.Describe(groupsLateInOutage)}): the route changed, and a group changing queue is consumed out of order");
        Assert.True(report.OutOfOrder == 0, $"A FIFO message group was consumed out of order: {report}");
    }
}
