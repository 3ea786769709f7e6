using System.Text.RegularExpressions;
using RocketTax.Testing;

namespace RocketTax.RocketMQ.Broker.Tests.Messaging;

/// <summary>The broker process boots, logs and stops the way RocketMQ's does.</summary>
public sealed class BrokerLifecycleTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Boot_line_matches_the_seed_and_SIGTERM_exits_0_after_flushing()
    {
        await using var broker = await BrokerProcess.StartNewAsync(new BrokerOptions(), Ct);
        var bootLine = $"The broker[broker-a, 127.0.0.1:{broker.ListenPort}] boot success. serializeType=JSON";
        Assert.Contains(broker.Logs, line => line == bootLine);

        await broker.StopAsync(Ct);

        Assert.Equal(0, broker.ExitCode);
        Assert.Contains(broker.Logs, line => line.Contains("shutdown OK", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Boots_and_names_its_name_servers_even_while_they_are_unreachable()
    {
        var options = new BrokerOptions { ExtraProperties = new Dictionary<string, string> { ["namesrvAddr"] = "127.0.0.1:1;127.0.0.1:2" } };
        await using var broker = await BrokerProcess.StartNewAsync(options, Ct);

        Assert.Contains(broker.Logs, line => Regex.IsMatch(line, @"boot success\. serializeType=JSON and name server is 127\.0\.0\.1:1;127\.0\.0\.1:2$"));
    }

    [Fact]
    public async Task Invalid_property_stops_the_broker_with_exit_code_2_and_one_line_naming_it()
    {
        var options = new BrokerOptions { ExtraProperties = new Dictionary<string, string> { ["flushDiskType"] = "SOMETIMES" } };
        await using var broker = new BrokerProcess(options);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => broker.StartAsync(Ct));

        Assert.Equal(2, broker.ExitCode);
        Assert.Contains("code 2", error.Message, StringComparison.Ordinal);
        var line = Assert.Single(broker.Logs, l => l.Contains("'flushDiskType'", StringComparison.Ordinal));
        Assert.Contains("'SOMETIMES'", line, StringComparison.Ordinal);
        Assert.Contains(broker.PropertiesPath, line, StringComparison.Ordinal);
    }
}
