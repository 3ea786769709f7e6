namespace RocketTax.CityTax.Outbox;

/// <summary>
/// A report accepted from a user and kept until the cluster has acknowledged it, with the <c>traceparent</c> of the
/// request that accepted it so a later send continues that trace.
/// </summary>
public sealed record OutboxEntry(
    string ReportId,
    string Tag,
    string Body,
    DateTimeOffset AcceptedAt,
    int Attempts = 0,
    string? LastError = null,
    DateTimeOffset? SentAt = null,
    string? MessageId = null,
    string? BrokerName = null,
    int? QueueId = null,
    long? QueueOffset = null,
    string? TraceParent = null);
