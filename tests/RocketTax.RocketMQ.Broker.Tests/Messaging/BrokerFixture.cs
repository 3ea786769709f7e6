using RocketTax.Testing;

namespace RocketTax.RocketMQ.Broker.Tests.Messaging;

/// <summary>One broker process shared by the tests of a class; each test uses its own topic and group.</summary>
public class BrokerFixture : IAsyncLifetime
{
    public BrokerProcess Broker { get; private set; } = null!;

    protected virtual BrokerOptions Options => new();

    public async ValueTask InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        Broker = await BrokerProcess.StartNewAsync(Options, timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (Broker is not null)
        {
            await Broker.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}
