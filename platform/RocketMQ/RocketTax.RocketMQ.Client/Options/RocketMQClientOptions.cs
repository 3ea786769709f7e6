using RocketTax.RocketMQ.Client.Session;

namespace RocketTax.RocketMQ.Client;

/// <summary>How a client reaches RocketMQ: the settings every producer and consumer shares.</summary>
public record RocketMQClientOptions
{
    /// <summary>gRPC endpoints of the proxies or brokers, <c>host:port;host:port</c> (e.g. <c>127.0.0.1:8081</c>).</summary>
    public string Endpoints { get; init; } = string.Empty;

    /// <summary>Deadline of every request; 3 s by default, as the official clients use.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>TLS on the connection. Off by default (loopback and embedded brokers speak plaintext); real clusters usually want it on.</summary>
    public bool UseTls { get; init; }

    /// <summary>Checks the server certificate when <see cref="UseTls"/> is on; turn off only for self-signed test brokers.</summary>
    public bool ValidateServerCertificate { get; init; } = true;

    /// <summary>Access key for ACL-protected clusters; set with <see cref="SecretKey"/>.</summary>
    public string? AccessKey { get; init; }

    /// <summary>Secret key that signs each request (HMAC-SHA1 of <c>x-mq-date-time</c>).</summary>
    public string? SecretKey { get; init; }

    /// <summary>Namespace sent as <c>x-mq-namespace</c> and in every resource; empty for none.</summary>
    public string Namespace { get; init; } = string.Empty;

    /// <summary>
    /// Which gRPC implementation carries the calls: the client's own HTTP/2 (<see cref="GrpcTransport.Native"/>, default),
    /// or <see cref="GrpcTransport.GrpcNetClient"/>, the same protocol at about twice the CPU per call.
    /// </summary>
    public GrpcTransport Transport { get; init; } = GrpcTransport.Native;

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first bad setting.</summary>
    public virtual void Validate()
    {
        EndpointAddress.ParseList(Endpoints, nameof(Endpoints));
        if (RequestTimeout <= TimeSpan.Zero || RequestTimeout > TimeSpan.FromMinutes(5))
        {
            throw new ArgumentException($"RequestTimeout is {RequestTimeout}; it must be above zero and at most 5 minutes.", nameof(RequestTimeout));
        }

        if (!Enum.IsDefined(Transport))
        {
            throw new ArgumentException($"Transport is {(int)Transport}; it must be {nameof(GrpcTransport.GrpcNetClient)} or {nameof(GrpcTransport.Native)}.", nameof(Transport));
        }

        if (string.IsNullOrEmpty(AccessKey) != string.IsNullOrEmpty(SecretKey))
        {
            throw new ArgumentException("Set both AccessKey and SecretKey, or neither.", string.IsNullOrEmpty(AccessKey) ? nameof(AccessKey) : nameof(SecretKey));
        }
    }
}
