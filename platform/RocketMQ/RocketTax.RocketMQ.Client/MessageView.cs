using RocketTax.RocketMQ.Client.Session;

namespace RocketTax.RocketMQ.Client;

/// <summary>A received message, as the broker delivered it.</summary>
public sealed class MessageView
{
    private string _receiptHandle;

    internal MessageView(
        string messageId,
        string topic,
        ReadOnlyMemory<byte> body,
        string receiptHandle,
        EndpointAddress endpoint)
    {
        MessageId = messageId;
        Topic = topic;
        Body = body;
        _receiptHandle = receiptHandle;
        Endpoint = endpoint;
    }

    /// <summary>The id the producer gave the message.</summary>
    public string MessageId { get; }

    /// <summary>The topic it was sent to.</summary>
    public string Topic { get; }

    /// <summary>The body, checked against the broker's digest.</summary>
    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>The tag, if the producer set one.</summary>
    public string? Tag { get; init; }

    /// <summary>The business keys.</summary>
    public IReadOnlyList<string> Keys { get; init; } = [];

    /// <summary>The user properties (including <c>traceparent</c> when the producer was traced).</summary>
    public IReadOnlyDictionary<string, string> Properties { get; init; } = new Dictionary<string, string>();

    /// <summary>The FIFO message group, if any.</summary>
    public string? MessageGroup { get; init; }

    /// <summary>When a delay message was due, if it was one.</summary>
    public DateTimeOffset? DeliveryTimestamp { get; init; }

    /// <summary>The producer's host.</summary>
    public string BornHost { get; init; } = string.Empty;

    /// <summary>When the producer built the message.</summary>
    public DateTimeOffset BornTimestamp { get; init; }

    /// <summary>When the broker stored it.</summary>
    public DateTimeOffset? StoreTimestamp { get; init; }

    /// <summary>1 on first delivery, then one more for every redelivery (by the broker, or by a FIFO push consumer in place).</summary>
    public int DeliveryAttempt { get; internal set; } = 1;

    /// <summary>The queue it was stored in.</summary>
    public int QueueId { get; init; }

    /// <summary>Its offset in that queue.</summary>
    public long QueueOffset { get; init; }

    /// <summary>
    /// The broker that delivered it, e.g. <c>broker-a</c>, as <see cref="SendReceipt.BrokerName"/> names the one that stored it:
    /// a queue id and offset are only unique within one broker. Empty for a message a transaction check carries.
    /// </summary>
    public string BrokerName { get; init; } = string.Empty;

    /// <summary>The broker that delivered it.</summary>
    internal EndpointAddress Endpoint { get; }

    /// <summary>How long the broker keeps it invisible after this delivery.</summary>
    internal TimeSpan InvisibleDuration { get; init; }

    /// <summary>The W3C trace context of the producer, from the <c>traceparent</c> property.</summary>
    internal string? TraceParent { get; init; }

    /// <summary>The W3C trace state that came with <see cref="TraceParent"/>.</summary>
    internal string? TraceState { get; init; }

    /// <summary>The system trace context: the store span of a tracing broker, else what the producer wrote there.</summary>
    internal string? SystemTraceContext { get; init; }

    /// <summary>The latest receipt handle: acks and renewals must use the newest one.</summary>
    internal string ReceiptHandle
    {
        get => Volatile.Read(ref _receiptHandle);
        set => Volatile.Write(ref _receiptHandle, value);
    }

    /// <summary>The id and topic, for logs.</summary>
    public override string ToString() => $"{Topic}/{MessageId} (attempt {DeliveryAttempt})";
}
