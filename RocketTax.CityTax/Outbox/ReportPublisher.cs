using Microsoft.Extensions.Options;
using RocketTax.CityTax.Reports;
using RocketTax.RocketMQ.Client;

namespace RocketTax.CityTax.Outbox;

/// <summary>
/// Sends one claimed outbox entry and records the outcome; a failure leaves it pending for the relay. The send
/// continues the trace of the request that accepted the entry.
/// </summary>
public sealed partial class ReportPublisher(Producer producer, OutboxStore outbox, IOptions<TaxReportingOptions> options, ILogger<ReportPublisher> logger)
{
    /// <summary>The receipt, or null when the send failed (the entry is released and the error recorded).</summary>
    public async Task<SendReceipt?> TrySendAsync(OutboxEntry claimed, CancellationToken cancellationToken)
    {
        var message = new Message(options.Value.Topic, claimed.Body) { Tag = claimed.Tag, Keys = [claimed.ReportId] };
        using var relay = OutboxTelemetry.StartRelay(claimed);
        SendReceipt receipt;
        try
        {
            receipt = await producer.SendAsync(message, cancellationToken);
        }
        catch (Exception ex) when (ex is RocketMQException or TimeoutException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            relay?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, ex.Message);
            LogSendFailed(claimed.ReportId, claimed.Attempts, ex.Message);
            await outbox.MarkFailedAsync(claimed.ReportId, ex.Message, CancellationToken.None);
            return null;
        }

        // Recorded even if the caller gave up meanwhile: the broker has the message.
        await outbox.MarkSentAsync(claimed.ReportId, receipt, CancellationToken.None);
        LogSent(receipt.MessageId, claimed.ReportId, receipt.BrokerName, receipt.QueueId, receipt.Offset);
        return receipt;
    }

    // The seed's producer line, with where the message landed.
    [LoggerMessage(Level = LogLevel.Information, Message = "消息已发送：MsgId:{MessageId}，发送状态:SEND_OK (report {ReportId}, {BrokerName} queue {QueueId} offset {Offset})")]
    private partial void LogSent(string messageId, string reportId, string brokerName, int queueId, long offset);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Report {ReportId} not sent yet (attempt {Attempt}): {Reason}; it stays in the outbox and will be retried")]
    private partial void LogSendFailed(string reportId, int attempt, string reason);
}
