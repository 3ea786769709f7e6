using System.Buffers.Binary;

namespace RocketTax.RocketMQ.Http2;

/// <summary>The 9 bytes before every frame's payload: a 24-bit length, the type, the flags and a 31-bit stream id.</summary>
public readonly record struct Http2FrameHeader(int Length, Http2FrameType Type, Http2FrameFlags Flags, int StreamId)
{
    /// <summary>Bytes of a frame header on the wire.</summary>
    public const int Size = 9;

    /// <summary>Whether the frame carries <paramref name="flag"/>.</summary>
    public bool HasFlag(Http2FrameFlags flag) => (Flags & flag) == flag;

    /// <summary>Reads a header from the first 9 bytes of <paramref name="source"/>; the stream id's reserved bit is ignored.</summary>
    public static Http2FrameHeader Read(ReadOnlySpan<byte> source) => new(
        (source[0] << 16) | (source[1] << 8) | source[2],
        (Http2FrameType)source[3],
        (Http2FrameFlags)source[4],
        (int)(BinaryPrimitives.ReadUInt32BigEndian(source[5..]) & 0x7FFF_FFFF));

    /// <summary>Writes the header into the first 9 bytes of <paramref name="destination"/>.</summary>
    public void Write(Span<byte> destination)
    {
        destination[0] = (byte)(Length >> 16);
        destination[1] = (byte)(Length >> 8);
        destination[2] = (byte)Length;
        destination[3] = (byte)Type;
        destination[4] = (byte)Flags;
        BinaryPrimitives.WriteUInt32BigEndian(destination[5..], (uint)StreamId & 0x7FFF_FFFF);
    }
}
