using System.Text;
using System.Text.Json;
using RocketTax.ProvinceTax.Reports;
using RocketTax.RocketMQ.Client;

namespace RocketTax.ProvinceTax.Consumers;

/// <summary>
/// Stores each tax report the push consumer delivers. A report already stored is acknowledged without a
/// second row; a body that is not a valid report fails, so the broker retries it and finally moves it to
/// <c>%DLQ%consumer-group</c>, where an operator can look at it.
/// </summary>
public sealed partial class TaxReportHandler(TaxReportRepository repository, TaxReportMetrics metrics, TimeProvider time, ILogger<TaxReportHandler> logger)
    : IMessageHandler
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async ValueTask<ConsumeResult> HandleAsync(MessageView message, CancellationToken cancellationToken)
    {
        var body = Encoding.UTF8.GetString(message.Body.Span);
        LogConsumed(body);
        if (Parse(message, body) is not { } report)
        {
            metrics.PoisonReceived(message.DeliveryAttempt);
            LogPoison(message.MessageId, message.DeliveryAttempt, body.Length > 200 ? body[..200] : body);
            return ConsumeResult.Failure;
        }

        var added = await repository.TryAddAsync(report, cancellationToken);
        metrics.Stored(added);
        if (!added)
        {
            LogDuplicate(report.Id, message.MessageId);
        }

        return ConsumeResult.Success;
    }

    private StoredTaxReport? Parse(MessageView message, string body)
    {
        IncomingTaxReport? incoming;
        try
        {
            incoming = JsonSerializer.Deserialize<IncomingTaxReport>(body, Json);
        }
        catch (JsonException)
        {
            return null;
        }

        // A report without an id (the seed's bare {"title": ...}) is known by its message key or id.
        var id = incoming?.Id ?? message.Keys.FirstOrDefault() ?? message.MessageId;
        if (incoming is null || string.IsNullOrWhiteSpace(incoming.Title))
        {
            return null;
        }

        return new StoredTaxReport(
            id, incoming.CityCode ?? "unknown", incoming.Year ?? 0, incoming.Quarter ?? 0, incoming.Title,
            incoming.TotalIncome ?? 0, incoming.TotalTax ?? 0, message.MessageId, time.GetUtcNow());
    }

    // The seed's consumer line.
    [LoggerMessage(Level = LogLevel.Information, Message = "消费者消费数据:{Body}")]
    private partial void LogConsumed(string body);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId} is not a tax report (delivery attempt {Attempt}); it will be retried and then moved to the dead-letter queue. Body: {Body}")]
    private partial void LogPoison(string messageId, int attempt, string body);

    [LoggerMessage(Level = LogLevel.Information, Message = "Report {ReportId} was already stored; message {MessageId} is a redelivery and changes nothing")]
    private partial void LogDuplicate(string reportId, string messageId);
}
