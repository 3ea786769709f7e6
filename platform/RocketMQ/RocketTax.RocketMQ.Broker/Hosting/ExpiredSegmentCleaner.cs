using RocketTax.RocketMQ.Broker.Configuration;
using RocketTax.RocketMQ.Broker.Store;

namespace RocketTax.RocketMQ.Broker.Hosting;

/// <summary>At the hours of <c>deleteWhen</c>, deletes commit-log segments older than <c>fileReservedTime</c> hours.</summary>
public sealed class ExpiredSegmentCleaner(IMessageStore store, BrokerConfig config, TimeProvider time, ILogger<ExpiredSegmentCleaner> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(1), time);
        var lastRunHour = -1;
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            var now = time.GetLocalNow();
            if (!config.DeleteWhen.Contains(now.Hour) || lastRunHour == now.Hour)
            {
                continue;
            }

            lastRunHour = now.Hour;
            try
            {
                var deleted = await store.DeleteExpiredSegmentsAsync(TimeSpan.FromHours(config.FileReservedTime), stoppingToken).ConfigureAwait(false);
                logger.LogInformation("Deleted {Count} commit-log segments older than {Hours} h", deleted, config.FileReservedTime);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Deleting expired commit-log segments failed; retrying at the next deleteWhen hour");
            }
        }
    }
}
