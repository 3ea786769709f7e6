using RocketTax.Testing;

namespace RocketTax.RocketMQ.Client.Tests;

/// <summary>
/// One real broker for a test class. Two retries before the DLQ and one-second retry levels
/// (<c>messageDelayLevel</c>), so redelivery tests take seconds; a broker that does not know that key
/// falls back to RocketMQ's 10 s / 30 s and the tests still pass, only slower.
/// </summary>
public sealed class ClientBrokerFixture : IAsyncLifetime
{
    private BrokerProcess? _broker;

    public BrokerProcess Broker => _broker ?? throw new InvalidOperationException("The broker has not started.");

    public string Endpoint => Broker.GrpcEndpoint;

    public async ValueTask InitializeAsync()
    {
        _broker = await BrokerProcess.StartNewAsync(new BrokerOptions
        {
            ExtraProperties = new Dictionary<string, string>
            {
                ["defaultRetryMaxTimes"] = "2",
                ["messageDelayLevel"] = "1s 1s 1s 1s 1s 1s",
                ["minInvisibleTimeMillsForRecv"] = "1000",
            },
        }, TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_broker is not null)
        {
            await _broker.DisposeAsync();
        }
    }
}
