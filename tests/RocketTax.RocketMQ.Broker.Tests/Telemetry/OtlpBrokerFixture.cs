using RocketTax.Testing;

namespace RocketTax.RocketMQ.Broker.Tests.Telemetry;

/// <summary>An OTLP receiver and a broker process exporting to it, shared by the tests of a class.</summary>
public sealed class OtlpBrokerFixture : IAsyncLifetime
{
    public OtlpReceiver Receiver { get; private set; } = null!;

    public BrokerProcess Broker { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        Receiver = await OtlpReceiver.StartAsync(timeout.Token);
        Broker = await ChildEnvironment.StartBrokerAsync(ChildEnvironment.Otlp(Receiver.Endpoint), timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (Broker is not null)
        {
            await Broker.DisposeAsync();
        }

        if (Receiver is not null)
        {
            await Receiver.DisposeAsync();
        }
    }
}
