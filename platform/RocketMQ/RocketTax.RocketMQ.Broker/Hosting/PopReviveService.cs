using RocketTax.RocketMQ.Broker.Managers;

namespace RocketTax.RocketMQ.Broker.Hosting;

/// <summary>Every second, moves messages that used up their delivery attempts to their group's dead-letter queue.</summary>
public sealed class PopReviveService(PopManager pop, TimeProvider time, ILogger<PopReviveService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await pop.ReviveAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The messages stay in flight and are tried again on the next tick.
                logger.LogError(ex, "Moving exhausted messages to their dead-letter queue failed");
            }
        }
    }
}
