namespace RocketTax.RocketMQ.Broker.NameServer;

/// <summary>Every <c>scanNotActiveBrokerInterval</c>, drops brokers that stopped registering.</summary>
public sealed class BrokerExpiryService(RouteInfoManager routes, NameServerConfig config, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(config.ScanNotActiveBrokerInterval), time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            routes.ScanNotActiveBrokers();
        }
    }
}
