namespace RocketTax.RocketMQ.Http2;

/// <summary>The frame types of RFC 9113, section 6.</summary>
public enum Http2FrameType : byte
{
    Data = 0,
    Headers = 1,
    Priority = 2,
    RstStream = 3,
    Settings = 4,
    PushPromise = 5,
    Ping = 6,
    GoAway = 7,
    WindowUpdate = 8,
    Continuation = 9,
}
