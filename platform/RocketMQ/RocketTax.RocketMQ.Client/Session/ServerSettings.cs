namespace RocketTax.RocketMQ.Client.Session;

/// <summary>What the server told the client in its Settings answer on the Telemetry stream.</summary>
internal sealed record ServerSettings
{
    /// <summary>Largest body the broker accepts; 4 MiB until the server says.</summary>
    public int MaxBodySize { get; init; } = 4 * 1024 * 1024;

    /// <summary>Retry policy: for producers, send retries; for consumers, redelivery backoff and max delivery attempts.</summary>
    public required BackoffPolicy Backoff { get; init; }

    /// <summary>Messages per receive for push consumers.</summary>
    public int ReceiveBatchSize { get; init; } = 32;

    /// <summary>The consumer group is orderly: a push consumer hands each message group's messages over one at a time, in order.</summary>
    public bool Fifo { get; init; }

    /// <summary>How long a push consumer's receive waits on the broker.</summary>
    public TimeSpan LongPollingTimeout { get; init; } = TimeSpan.FromSeconds(20);
}
