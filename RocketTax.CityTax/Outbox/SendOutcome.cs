namespace RocketTax.CityTax.Outbox;

/// <summary>What became of one report: sent (with where it landed) or pending in the outbox.</summary>
public sealed record SendOutcome(string ReportId, string Status, string? MessageId, string? BrokerName, int? QueueId, long? Offset)
{
    /// <summary>RocketMQ's word for an acknowledged send, as the seed's log prints it.</summary>
    public const string SendOk = "SEND_OK";

    /// <summary>Accepted and kept in the outbox; the relay sends it once the cluster answers.</summary>
    public const string Pending = "PENDING";

    public static SendOutcome From(OutboxEntry entry) => entry.SentAt is null
        ? new(entry.ReportId, Pending, null, null, null, null)
        : new(entry.ReportId, SendOk, entry.MessageId, entry.BrokerName, entry.QueueId, entry.QueueOffset);
}
