namespace RocketTax.RocketMQ.Http2;

/// <summary>The error codes of RST_STREAM and GOAWAY (RFC 9113, section 7).</summary>
public enum Http2ErrorCode : uint
{
    NoError = 0,
    ProtocolError = 1,
    InternalError = 2,
    FlowControlError = 3,
    SettingsTimeout = 4,
    StreamClosed = 5,
    FrameSizeError = 6,
    RefusedStream = 7,
    Cancel = 8,
    CompressionError = 9,
    ConnectError = 10,
    EnhanceYourCalm = 11,
    InadequateSecurity = 12,
    Http11Required = 13,
}
