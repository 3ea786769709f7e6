namespace RocketTax.RocketMQ.Http2;

/// <summary>Frame flags; a bit's meaning depends on the frame type (END_STREAM and ACK share 0x1).</summary>
[Flags]
public enum Http2FrameFlags : byte
{
    None = 0,
    EndStream = 0x1,
    Ack = 0x1,
    EndHeaders = 0x4,
    Padded = 0x8,
    Priority = 0x20,
}
