using Microsoft.Extensions.Options;
using RocketTax.CityTax.Reports;

namespace RocketTax.CityTax.Outbox;

/// <summary>
/// Accepts a report into the outbox (durably, before answering), then tries to send it at once so the
/// caller usually gets the message id; if the cluster does not answer, the relay takes over.
/// </summary>
public sealed class ReportIntake(OutboxStore outbox, ReportPublisher publisher, OutboxSignal signal, IOptions<TaxReportingOptions> options, TimeProvider time)
{
    /// <summary>How long a request waits for its own send before leaving the report to the relay.</summary>
    private static readonly TimeSpan FastPathTimeout = TimeSpan.FromSeconds(3);

    /// <summary>The outcome, and false in <c>Accepted</c> when the same report id was accepted before.</summary>
    public async Task<(SendOutcome Outcome, bool Accepted)> SubmitAsync(TaxReport report, CancellationToken cancellationToken)
    {
        var entry = new OutboxEntry(report.Id, report.PeriodTag(options.Value.TagPrefix), TaxReportJson.Serialize(report), time.GetUtcNow())
        {
            TraceParent = OutboxTelemetry.CurrentTraceParent(),
        };
        if (!await outbox.TryAcceptAsync(entry, cancellationToken))
        {
            var existing = await outbox.FindAsync(report.Id, cancellationToken);
            return (SendOutcome.From(existing ?? entry), false);
        }

        if (await outbox.TryClaimAsync(report.Id, cancellationToken) is { } claimed)
        {
            using var timeout = new CancellationTokenSource(FastPathTimeout, time);
            using var fastPath = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            try
            {
                if (await publisher.TrySendAsync(claimed, fastPath.Token) is { } receipt)
                {
                    return (new SendOutcome(report.Id, SendOutcome.SendOk, receipt.MessageId, receipt.BrokerName, receipt.QueueId, receipt.Offset), true);
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The cluster did not answer in time: the report is safe in the outbox and the relay sends it.
                await outbox.MarkFailedAsync(report.Id, $"no answer within {FastPathTimeout.TotalSeconds:0} s; the relay retries", CancellationToken.None);
            }
        }

        signal.Notify();
        return (SendOutcome.From(entry), true);
    }
}
