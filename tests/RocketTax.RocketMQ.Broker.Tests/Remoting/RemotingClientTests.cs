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

    [Fact]
    public async Task A_request_a_silent_server_never_answers_fails_at_its_timeout_and_the_next_caller_is_not_held_up()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var address = $"127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";
        var server = listener.AcceptSocketAsync(Ct).AsTask();
        await using var client = new RemotingClient();

        var started = System.Diagnostics.Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<RemotingException>(() =>
            client.InvokeAsync(address, RemotingCommand.Request(RequestCode.GetBrokerClusterInfo), TimeSpan.FromMilliseconds(300), Ct).WaitAsync(TimeSpan.FromSeconds(10), Ct));
        started.Stop();
        using var socket = await server.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.Contains("no answer to request code 106 within 300 ms", error.Message, StringComparison.Ordinal);
        Assert.True(started.Elapsed >= TimeSpan.FromMilliseconds(300), $"failed after {started.Elapsed.TotalMilliseconds:0} ms, before its timeout");

        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var waiting = client.InvokeAsync(address, RemotingCommand.Request(RequestCode.GetBrokerClusterInfo), RequestTimeout, cancel.Token);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(10), Ct));
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
