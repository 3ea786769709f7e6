namespace RocketTax.RocketMQ.Broker.Remoting;

/// <summary>Runs a <see cref="RemotingServer"/> for the lifetime of the host: bound at start, closed at stop.</summary>
public sealed class RemotingServerService(RemotingServer server) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => server.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => server.StopAsync(cancellationToken);
}
