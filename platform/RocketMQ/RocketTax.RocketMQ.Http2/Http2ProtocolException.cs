namespace RocketTax.RocketMQ.Http2;

/// <summary>A connection error: whoever catches it sends GOAWAY with <see cref="ErrorCode"/> and closes the connection.</summary>
public sealed class Http2ProtocolException(Http2ErrorCode errorCode, string message) : Exception(message)
{
    /// <summary>The code for the GOAWAY frame.</summary>
    public Http2ErrorCode ErrorCode { get; } = errorCode;
}
