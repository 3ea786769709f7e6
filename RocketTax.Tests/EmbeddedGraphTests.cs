using Microsoft.Extensions.DependencyInjection;
using Aspire.Hosting;

namespace RocketTax.Tests;

[Collection(nameof(GraphCollection))]
public sealed class EmbeddedGraphTests
{
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(30);

    [Fact(Timeout = GraphFixture.TestTimeoutMs)]
    public async Task Seed_reports_reach_the_province_through_both_brokers()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var graph = await GraphFixture.StartAsync(ct);
        await graph.WaitAllHealthyAsync(ct);

        Assert.Equal(100, await graph.SendSeedReportsAsync(DeliveryTimeout, ct));

        var commands = graph.App.Services.GetRequiredService<ResourceCommandService>();
        var lag = await commands.ExecuteCommandAsync("broker-a", "show-consumer-lag", ct);
        Assert.True(lag.Success, lag.Message);
        var progress = lag.Data?.Value ?? string.Empty;
        foreach (var broker in new[] { "broker-a", "broker-b" })
        {
            var stored = progress.Split('\n')
                .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Where(columns => columns.Length > 3 && columns[0] == "tax-data-topic" && columns[1] == broker)
                .Sum(columns => long.Parse(columns[3], System.Globalization.CultureInfo.InvariantCulture));
            Assert.True(stored > 0, $"{broker} took none of the 100 messages:\n{progress}");
        }

        // The dashboard's Properties of each broker follow what it stored.
        var notifications = graph.App.Services.GetRequiredService<ResourceNotificationService>();
        foreach (var broker in new[] { "broker-a", "broker-b" })
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
            deadline.CancelAfter(DeliveryTimeout);
            var shown = await notifications.WaitForResourceAsync(broker, e => StoredMessages(e.Snapshot) > 0, deadline.Token);
            Assert.Contains(shown.Snapshot.Properties, p => p.Name == "rocketmq.topics");
            Assert.Contains(shown.Snapshot.Properties, p => p.Name == "rocketmq.get.tps");
        }
    }

    private static long StoredMessages(CustomResourceSnapshot snapshot) =>
        snapshot.Properties.FirstOrDefault(p => p.Name == "rocketmq.messages.stored")?.Value is string value
            && long.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var stored) ? stored : 0;

    [Fact(Timeout = GraphFixture.TestTimeoutMs)]
    public async Task The_services_and_the_console_run_from_their_built_assemblies()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var graph = await GraphFixture.StartAsync(ct);
        await graph.WaitAllHealthyAsync(ct);

        var notifications = graph.App.Services.GetRequiredService<ResourceNotificationService>();
        foreach (var (resource, assembly) in new[]
                 {
                     ("citytax", "RocketTax.CityTax.dll"), ("provincetax", "RocketTax.ProvinceTax.dll"), ("rocketmq-console", "RocketTax.RocketMQ.Console.dll"),
                 })
        {
            var started = await notifications.WaitForResourceAsync(resource, e => Arguments(e.Snapshot).Count > 0, ct);
            var arguments = Arguments(started.Snapshot);
            Assert.True(arguments[0].EndsWith(assembly, StringComparison.Ordinal), $"{resource} runs as: {string.Join(' ', arguments)}");
            Assert.DoesNotContain("run", arguments);
        }
    }

    private static IReadOnlyList<string> Arguments(CustomResourceSnapshot snapshot) =>
        snapshot.Properties.FirstOrDefault(p => p.Name == "executable.args")?.Value is IEnumerable<string> arguments ? [.. arguments] : [];

    [Fact(Timeout = GraphFixture.TestTimeoutMs)]
    public async Task Disposing_the_app_leaves_no_process_behind()
    {
        var ct = TestContext.Current.CancellationToken;
        string dataPath;
        await using (var graph = await GraphFixture.StartAsync(ct))
        {
            await graph.WaitAllHealthyAsync(ct);
            dataPath = graph.DataPath;
            Assert.NotEmpty(LeftoverProcesses.Naming(dataPath));
        }

        var left = await Eventually.ValueAsync(_ => Task.FromResult(LeftoverProcesses.Naming(dataPath)), l => l.Count == 0, TimeSpan.FromSeconds(15), ct);
        Assert.True(left.Count == 0, "still running after the app was disposed:\n" + string.Join('\n', left));
    }

    [Fact(Timeout = GraphFixture.TestTimeoutMs)]
    public async Task A_broker_with_a_bad_property_fails_the_wait_within_seconds_with_its_state()
    {
        var ct = TestContext.Current.CancellationToken;
        var started = DateTime.UtcNow;
        await using var graph = await GraphFixture.StartAsync(ct, builder =>
            builder.Resources.OfType<IRocketMQBrokerResource>().Single(b => b.Name == "broker-a").Properties["flushDiskType"] = "SOMETIMES");

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => graph.WaitHealthyAsync("broker-a", TimeSpan.FromSeconds(60), ct));

        Assert.InRange(DateTime.UtcNow - started, TimeSpan.Zero, TimeSpan.FromSeconds(45));
        Assert.Contains("exit code 2", failure.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<InvalidOperationException>(() => graph.WaitHealthyAsync("rocketmq", TimeSpan.FromSeconds(30), ct));
    }
}
