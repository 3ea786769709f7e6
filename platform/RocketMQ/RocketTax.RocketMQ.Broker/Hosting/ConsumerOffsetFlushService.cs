using RocketTax.RocketMQ.Broker.Managers;

namespace RocketTax.RocketMQ.Broker.Hosting;

/// <summary>
/// Writes committed consumer offsets to disk every 5 s (RocketMQ's <c>flushConsumerOffsetInterval</c>) and once more on
/// stop, so a restart resumes each group where it last committed, give or take the last interval after a crash.
/// </summary>
public sealed class ConsumerOffsetFlushService(ConsumerOffsetManager offsets, TimeProvider time, ILogger<ConsumerOffsetFlushService> logger)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        offsets.Persist();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                offsets.Persist();
            }
            catch (IOException ex)
            {
                // The offsets stay in memory and are written on the next tick.
                logger.LogError(ex, "Writing consumer offsets failed");
            }
        }
    }
}
