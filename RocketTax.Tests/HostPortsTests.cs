using System.Globalization;
using RocketTax.Hosting.RocketMQ;

namespace RocketTax.Tests;

/// <summary>
/// Regression: random graph ports came from the OS's ephemeral range, which every outgoing connection draws from too;
/// in a busy CI run one was taken before broker-a bound it, and broker-a exited with "port in use" (exit code 2).
/// </summary>
public sealed class HostPortsTests
{
    [Fact]
    public void Random_ports_are_distinct_and_below_the_ephemeral_range()
    {
        const string RangeFile = "/proc/sys/net/ipv4/ip_local_port_range";
        Assert.SkipUnless(File.Exists(RangeFile), $"{RangeFile} is missing: the OS does not say where its ephemeral range starts");
        var range = File.ReadAllText(RangeFile).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var ephemeralStart = int.Parse(range[0], CultureInfo.InvariantCulture);
        Assert.SkipWhen(ephemeralStart <= 11_000, $"the ephemeral range starts at {ephemeralStart}: no room below it");
        var ports = new HostPorts(random: true);

        var taken = Enumerable.Range(0, 8).Select(_ => ports.Take(9876)).ToList();

        Assert.Equal(taken.Count, taken.Distinct().Count());
        Assert.All(taken, port => Assert.InRange(port, 10_000, ephemeralStart - 1));
    }
}
