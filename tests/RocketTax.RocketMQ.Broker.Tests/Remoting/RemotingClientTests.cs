using System.Net;
using System.Net.Sockets;
using RocketTax.RocketMQ.Remoting;

namespace RocketTax.RocketMQ.Broker.Tests.Remoting;

/// <summary>The remoting client's connection: what its callers see when the server goes away.</summary>
public sealed class RemotingClientTests
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_caller_of_a_connection_the_server_closes_mid_burst_fails_at_once_not_at_its_timeout()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var address = $"127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";
        var server = CloseAfterFirstBytesAsync(listener);
        await using var client = new RemotingClient();

        var calls = Enumerable.Range(0, 200)
            .Select(_ => Task.Run(() => client.InvokeAsync(address, RemotingCommand.Request(RequestCode.GetBrokerClusterInfo), RequestTimeout, Ct), Ct))
            .ToArray();

        await server.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        // A caller still waiting after 10 s (its own timeout is 30 s) makes this throw TimeoutException and fail the test.
        await Assert.ThrowsAsync<RemotingException>(() => Task.WhenAll(calls).WaitAsync(TimeSpan.FromSeconds(10), Ct));
        Assert.All(calls, call => Assert.IsType<RemotingException>(call.Exception?.InnerException));
    }

    /// <summary>
    /// Accepts one connection and stops listening (a caller that comes after the close is refused at once rather than
    /// left in the backlog), waits for the connection's first request bytes, then closes it unanswered.
    /// </summary>
    private static async Task CloseAfterFirstBytesAsync(TcpListener listener)
    {
        using var socket = await listener.AcceptSocketAsync(Ct);
        listener.Stop();
        var buffer = new byte[4096];
        await socket.ReceiveAsync(buffer, Ct);
        socket.Close();
    }
}
