using RocketTax.Chaos.Harness;

namespace RocketTax.Chaos.Faults;

/// <summary>
/// kill -9 of one name server at a random moment of traffic, then a restart: while it is down the other one
/// serves routes and registrations, so producers and consumers never notice; once back (empty, as a name
/// server starts) the brokers register with it again. Nothing is lost and FIFO groups stay in order.
/// </summary>
public sealed class NameServerKillTests(ChaosClusterFixture cluster) : IClassFixture<ChaosClusterFixture>
{
    private static readonly TimeSpan ProgressTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan RegistrationTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(60);

    [Fact(Timeout = 300_000)]
    public async Task Traffic_goes_on_through_the_other_name_server_across_kill_9_of_one()
    {
        var ct = TestContext.Current.CancellationToken;
        var trials = ChaosSettings.ProcessKillTrials;
        var random = new Random(ChaosSettings.Seed);
        TrafficStream[] streams = [new("chaos-ns-kill-topic", "chaos-ns-kill-group"), new("chaos-ns-kill-fifo", "chaos-ns-kill-fifo-group", Fifo: true)];
        await using var traffic = await cluster.StartTrafficAsync(streams, ct);
        for (var trial = 1; trial <= trials; trial++)
        {
            var victim = random.Next(2) == 0 ? cluster.NameServer1 : cluster.NameServer2;
            await Task.Delay(TimeSpan.FromMilliseconds(random.Next(100, 1_500)), ct);
            await victim.KillAsync(ct);

            await traffic.WaitForAcknowledgedAsync(20, ProgressTimeout, ct);
            await traffic.WaitForDeliveredAsync(20, ProgressTimeout, ct);
            Assert.True(await cluster.RouteNamesBothBrokersAsync(streams[0].Topic, ct), $"trial {trial}: with {victim.Address} dead, the other name server did not serve the route of both brokers");

            await victim.StartAsync(ct);
            await cluster.WaitUntilRegisteredWithAsync(victim, RegistrationTimeout, ct);
        }

        var report = await traffic.DrainAsync(DrainTimeout, ct);
        ChaosLog.Write($"kill -9 of one name server: {trials} trials (seed {ChaosSettings.Seed}), {traffic.SendFailures} sends and {traffic.ReceiveFailures} receives failed; {report}");
        Assert.True(report.Lost == 0, $"Acknowledged messages were lost: {report}");
        Assert.True(report.OutOfOrder == 0, $"A FIFO message group was consumed out of order: {report}");
    }
}
