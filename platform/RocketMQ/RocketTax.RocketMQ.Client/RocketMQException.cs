namespace RocketTax.RocketMQ.Client;

/// <summary>
/// A RocketMQ operation failed: the broker refused it (<see cref="StatusCode"/> holds the protocol's code,
/// e.g. 40402 TOPIC_NOT_FOUND) or the endpoint could not be reached (<see cref="StatusCode"/> is null).
/// </summary>
public class RocketMQException : Exception
{
    /// <summary>Creates the exception; <paramref name="message"/> should say what to do about it.</summary>
    public RocketMQException(string message, int? statusCode = null, string? endpoint = null, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
        Endpoint = endpoint;
    }

    /// <summary>The <c>apache.rocketmq.v2.Code</c> the broker answered, or null for transport failures.</summary>
    public int? StatusCode { get; }

    /// <summary>The <c>host:port</c> the failed call went to, when known.</summary>
    public string? Endpoint { get; }

    /// <summary>The broker was too busy to take the request (TOO_MANY_REQUESTS, 42900): it is healthy, retry after a backoff.</summary>
    public bool IsThrottled => StatusCode == 42900;

    /// <summary>True when trying again (on another broker or later) may succeed.</summary>
    public bool IsRetryable => StatusCode is null or 40800 or 42900 or >= 50000 and not 50100 and not 50500 and not 50501;
}
