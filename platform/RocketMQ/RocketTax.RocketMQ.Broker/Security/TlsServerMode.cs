namespace RocketTax.RocketMQ.Broker.Security;

/// <summary>RocketMQ's <c>tls.server.mode</c>: what the gRPC port accepts.</summary>
public enum TlsServerMode
{
    /// <summary>Plaintext only.</summary>
    Disabled,

    /// <summary>TLS and plaintext on the same port, told apart by the first byte (the default, as in RocketMQ).</summary>
    Permissive,

    /// <summary>TLS only.</summary>
    Enforcing,
}
