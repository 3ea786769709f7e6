using RocketTax.Testing;

namespace RocketTax.RocketMQ.Broker.Tests.Remoting;

/// <summary>One name server process shared by the bad-input tests.</summary>
public sealed class NameServerFixture : IAsyncLifetime
{
    public NameServerProcess NameServer { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        NameServer = await NameServerProcess.StartNewAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync() => await NameServer.DisposeAsync();
}
