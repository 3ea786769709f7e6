using RocketTax.RocketMQ.Http2;

namespace RocketTax.RocketMQ.Broker.Grpc.Transport;

internal enum OutboundKind : byte
{
    Settings,
    SettingsAck,
    PingAck,
    WindowUpdate,
    RstStream,
    GoAway,
    Data,
    Trailers,
}

/// <summary>
/// One frame (or a call's response HEADERS + DATA, or its trailers) waiting for the connection's writer. A struct
/// in a channel: queueing a frame allocates nothing.
/// </summary>
internal readonly record struct OutboundFrame(
    OutboundKind Kind,
    int StreamId,
    NativeServerCallContext? Call = null,
    byte[]? Buffer = null,
    int Offset = 0,
    int Length = 0,
    long Value = 0,
    bool WithHeaders = false,
    bool ReturnsBuffer = false,
    string? Text = null)
{
    public static OutboundFrame WindowUpdate(int streamId, int increment) => new(OutboundKind.WindowUpdate, streamId, Value: increment);

    public static OutboundFrame RstStream(int streamId, Http2ErrorCode errorCode) => new(OutboundKind.RstStream, streamId, Value: (long)errorCode);

    public static OutboundFrame GoAway(int lastStreamId, Http2ErrorCode errorCode, string? debugData) =>
        new(OutboundKind.GoAway, lastStreamId, Value: (long)errorCode, Text: debugData);

    /// <summary>
    /// <paramref name="length"/> bytes of a response message from <paramref name="offset"/>, after the response HEADERS
    /// when <paramref name="withHeaders"/>; the writer gives <paramref name="buffer"/> back to the pool when <paramref name="returnsBuffer"/>.
    /// </summary>
    public static OutboundFrame Data(NativeServerCallContext call, byte[] buffer, int offset, int length, bool withHeaders, bool returnsBuffer) =>
        new(OutboundKind.Data, call.StreamId, call, buffer, offset, length, WithHeaders: withHeaders, ReturnsBuffer: returnsBuffer);

    /// <summary>The call's status as trailers; a trailers-only response (with <c>:status</c>) when <paramref name="withHeaders"/>.</summary>
    public static OutboundFrame Trailers(NativeServerCallContext call, bool withHeaders) =>
        new(OutboundKind.Trailers, call.StreamId, call, WithHeaders: withHeaders);
}
