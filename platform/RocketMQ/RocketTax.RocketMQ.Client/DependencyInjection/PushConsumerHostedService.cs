using Microsoft.Extensions.Hosting;

namespace RocketTax.RocketMQ.Client;

/// <summary>Runs a <see cref="PushConsumer"/> for the host's lifetime: started with the host, drained when it stops.</summary>
internal sealed class PushConsumerHostedService(PushConsumer consumer) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => consumer.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => consumer.StopAsync(cancellationToken);
}
