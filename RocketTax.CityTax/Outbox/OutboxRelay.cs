using Microsoft.Extensions.Options;
using RocketTax.CityTax.Reports;

namespace RocketTax.CityTax.Outbox;

/// <summary>
/// Sends what the outbox still holds: right after a report is accepted, and again with growing delays
/// (up to <see cref="TaxReportingOptions.MaxRetryDelay"/>) while the cluster cannot be reached.
/// </summary>
public sealed partial class OutboxRelay(
    OutboxStore outbox, ReportPublisher publisher, OutboxSignal signal, IOptions<TaxReportingOptions> options, TimeProvider time, ILogger<OutboxRelay> logger)
    : BackgroundService
{
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(500);

    /// <summary>How often the relay looks even without a signal, e.g. for claims left by a request that died.</summary>
    private static readonly TimeSpan IdleLook = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = FirstRetryDelay;
        while (!stoppingToken.IsCancellationRequested)
        {
            var (sent, failed) = await RelayBatchAsync(stoppingToken);
            if (failed > 0)
            {
                LogBackingOff(failed, delay);
                await signal.WaitAsync(delay, time, stoppingToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.Value.MaxRetryDelay.Ticks));
                continue;
            }

            delay = FirstRetryDelay;
            if (sent == 0)
            {
                await signal.WaitAsync(IdleLook, time, stoppingToken);
            }
        }
    }

    private async Task<(int Sent, int Failed)> RelayBatchAsync(CancellationToken cancellationToken)
    {
        int sent = 0, failed = 0;
        try
        {
            foreach (var reportId in await outbox.PendingIdsAsync(options.Value.RelayBatchSize, cancellationToken))
            {
                if (await outbox.TryClaimAsync(reportId, cancellationToken) is not { } claimed)
                {
                    continue;
                }

                if (await publisher.TrySendAsync(claimed, cancellationToken) is null)
                {
                    // The cluster is likely down: stop this pass and back off instead of failing every entry in turn.
                    failed++;
                    break;
                }

                sent++;
            }
        }
        catch (Microsoft.Data.Sqlite.SqliteException ex)
        {
            LogOutboxUnreadable(ex);
            failed++;
        }

        return (sent, failed);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox relay could not send {Failed} report(s); retrying in {Delay}")]
    private partial void LogBackingOff(int failed, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Error, Message = "The outbox database could not be read; the relay retries")]
    private partial void LogOutboxUnreadable(Exception exception);
}
