namespace RocketTax.RocketMQ.Client.Transport;

/// <summary>How an <see cref="Http2CallInvoker"/> reaches its endpoint.</summary>
public sealed record Http2TransportOptions
{
    /// <summary>TLS (ALPN <c>h2</c>) on the connection.</summary>
    public bool UseTls { get; init; }

    /// <summary>Checks the server certificate when <see cref="UseTls"/> is on.</summary>
    public bool ValidateServerCertificate { get; init; } = true;

    /// <summary>How long opening a connection (TCP, TLS, the server's first SETTINGS) may take.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Silence on a connection with calls in flight after which it is probed with a PING.</summary>
    public TimeSpan KeepAliveDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a keepalive PING may go unanswered before the connection counts as dead.</summary>
    public TimeSpan KeepAliveTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The largest response message accepted; a receive carries message bodies up to the broker's limit.</summary>
    public int MaxReceiveMessageSize { get; init; } = 64 * 1024 * 1024;

    /// <summary>
    /// The receive window of the connection as a whole. Each stream keeps HTTP/2's 64 KiB window, which bounds what
    /// a slow reader buffers; the connection's is larger so many small concurrent responses never wait for a WINDOW_UPDATE.
    /// </summary>
    public int ConnectionWindowSize { get; init; } = 4 * 1024 * 1024;
}
