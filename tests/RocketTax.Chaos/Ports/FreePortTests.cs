using System.Net;
using System.Net.Sockets;
using RocketTax.Testing;

namespace RocketTax.Chaos.Ports;

/// <summary>The free-port helper and the launchers' bind retry: parallel fixtures must never collide on a port.</summary>
public sealed class FreePortTests
{
    [Fact]
    public void Hands_out_each_port_once_and_outside_the_ephemeral_range()
    {
        var ports = Enumerable.Range(0, 300).Select(_ => FreePort.Next()).ToArray();

        Assert.Equal(ports.Length, ports.Distinct().Count());
        Assert.All(ports, p => Assert.True(FreePort.IsReserved(p)));
        if (FreePort.EphemeralRangeStart is { } ephemeralStart)
        {
            Assert.All(ports, p => Assert.InRange(p, 1024, ephemeralStart - 1));
        }
    }

    [Fact]
    public async Task Broker_boots_on_fresh_ports_when_its_port_was_taken_before_it_bound_it()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var broker = new BrokerProcess();
        var stolen = broker.GrpcPort;
        using (var thief = new TcpListener(IPAddress.Loopback, stolen))
        {
            thief.Start();
            await broker.StartAsync(ct);
        }

        Assert.True(broker.IsRunning);
        Assert.NotEqual(stolen, broker.GrpcPort);
        Assert.Contains(broker.Logs, line => line.Contains("retrying on fresh ports", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Name_server_boots_on_a_fresh_port_when_its_port_was_taken_before_it_bound_it()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var nameServer = new NameServerProcess();
        var stolen = nameServer.Port;
        using (var thief = new TcpListener(IPAddress.Loopback, stolen))
        {
            thief.Start();
            await nameServer.StartAsync(ct);
        }

        Assert.True(nameServer.IsRunning);
        Assert.NotEqual(stolen, nameServer.Port);
    }
}
