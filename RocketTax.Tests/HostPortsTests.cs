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
        var ephemeralStart = FreePort.EphemeralRangeStart ?? 0;
        Assert.SkipWhen(ephemeralStart == 0, "the OS does not say where its ephemeral range starts");
        Assert.SkipWhen(ephemeralStart <= 11_000, $"the ephemeral range starts at {ephemeralStart}: no room below it");
        var ports = new HostPorts(random: true);

        var taken = Enumerable.Range(0, 8).Select(_ => ports.Take(9876)).ToList();

        Assert.Equal(taken.Count, taken.Distinct().Count());
        Assert.All(taken, port => Assert.InRange(port, 10_000, ephemeralStart - 1));
    }

    [Theory]
    [InlineData("32768\t60999\n", 32768)]
    [InlineData("  1024 65535", 1024)]
    [InlineData("", null)]
    [InlineData("unknown", null)]
    public void The_ephemeral_range_starts_at_the_first_number_of_the_OS_file(string text, int? start)
    {
        Assert.Equal(start, RocketTax.Ports.EphemeralPorts.Parse(text));
    }
}
