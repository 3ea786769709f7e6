using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace RocketTax.RocketMQ.Http2;

/// <summary>Reads and writes the frames of RFC 9113; connection state (streams, windows, settings) is the caller's.</summary>
public static class Http2Frames
{
    /// <summary>SETTINGS_MAX_FRAME_SIZE until a peer says otherwise, and its lowest allowed value.</summary>
    public const int DefaultMaxFrameSize = 16384;

    /// <summary>The flow-control window of a new connection, and of a new stream until SETTINGS_INITIAL_WINDOW_SIZE.</summary>
    public const int DefaultInitialWindowSize = 65535;

    /// <summary>The largest a flow-control window may grow (2^31-1).</summary>
    public const int MaxWindowSize = int.MaxValue;

    /// <summary>What a client sends before its first frame.</summary>
    public static ReadOnlySpan<byte> ClientPreface => "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8;

    /// <summary>
    /// Takes one whole frame off the front of <paramref name="buffer"/>; false, with the buffer untouched, when more bytes are
    /// needed. A frame longer than <paramref name="maxFrameSize"/> (the SETTINGS_MAX_FRAME_SIZE we announced) is a FRAME_SIZE_ERROR.
    /// </summary>
    public static bool TryReadFrame(ref ReadOnlySequence<byte> buffer, int maxFrameSize, out Http2FrameHeader header, out ReadOnlySequence<byte> payload)
    {
        payload = default;
        header = default;
        if (buffer.Length < Http2FrameHeader.Size)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[Http2FrameHeader.Size];
        buffer.Slice(0, Http2FrameHeader.Size).CopyTo(bytes);
        header = Http2FrameHeader.Read(bytes);
        if (header.Length > maxFrameSize)
        {
            throw new Http2ProtocolException(
                Http2ErrorCode.FrameSizeError, $"a {header.Type} frame of {header.Length} bytes is over the {maxFrameSize}-byte frame size");
        }

        if (buffer.Length < Http2FrameHeader.Size + header.Length)
        {
            return false;
        }

        payload = buffer.Slice(Http2FrameHeader.Size, header.Length);
        buffer = buffer.Slice(payload.End);
        return true;
    }

    /// <summary>
    /// The payload of a DATA or HEADERS frame without its padding and, for HEADERS, without the priority fields; any other
    /// frame's payload as it is. Padding as long as the payload is a PROTOCOL_ERROR.
    /// </summary>
    public static ReadOnlySequence<byte> ContentOf(in Http2FrameHeader header, ReadOnlySequence<byte> payload)
    {
        if (header.Type is not (Http2FrameType.Data or Http2FrameType.Headers))
        {
            return payload;
        }

        var content = payload;
        if (header.HasFlag(Http2FrameFlags.Padded))
        {
            var padding = payload.IsEmpty ? -1 : payload.FirstSpan[0];
            if (padding < 0 || padding >= payload.Length)
            {
                throw new Http2ProtocolException(Http2ErrorCode.ProtocolError, $"the padding of a {header.Type} frame on stream {header.StreamId} is longer than the frame");
            }

            content = payload.Slice(1, payload.Length - 1 - padding);
        }

        if (header.Type == Http2FrameType.Headers && header.HasFlag(Http2FrameFlags.Priority))
        {
            const int priorityFields = 5;
            if (content.Length < priorityFields)
            {
                throw new Http2ProtocolException(Http2ErrorCode.FrameSizeError, $"a HEADERS frame on stream {header.StreamId} is too short for its priority fields");
            }

            content = content.Slice(priorityFields);
        }

        return content;
    }

    /// <summary>A header block as one HEADERS frame and as many CONTINUATION frames as <paramref name="maxFrameSize"/> needs.</summary>
    public static void WriteHeaders(IBufferWriter<byte> output, int streamId, ReadOnlySpan<byte> headerBlock, bool endStream, int maxFrameSize)
    {
        var type = Http2FrameType.Headers;
        var flags = endStream ? Http2FrameFlags.EndStream : Http2FrameFlags.None;
        do
        {
            var length = Math.Min(headerBlock.Length, maxFrameSize);
            if (length == headerBlock.Length)
            {
                flags |= Http2FrameFlags.EndHeaders;
            }

            WriteFrame(output, new Http2FrameHeader(length, type, flags, streamId), headerBlock[..length]);
            headerBlock = headerBlock[length..];
            type = Http2FrameType.Continuation;
            flags = Http2FrameFlags.None;
        }
        while (!headerBlock.IsEmpty);
    }

    /// <summary>One DATA frame; the caller keeps <paramref name="data"/> within the peer's SETTINGS_MAX_FRAME_SIZE and its windows.</summary>
    public static void WriteData(IBufferWriter<byte> output, int streamId, ReadOnlySpan<byte> data, bool endStream) =>
        WriteFrame(output, new Http2FrameHeader(data.Length, Http2FrameType.Data, endStream ? Http2FrameFlags.EndStream : Http2FrameFlags.None, streamId), data);

    /// <summary>Only the 9-byte header of a DATA frame, for a caller that writes the <paramref name="length"/> payload bytes itself.</summary>
    public static void WriteDataHeader(IBufferWriter<byte> output, int streamId, int length, bool endStream)
    {
        new Http2FrameHeader(length, Http2FrameType.Data, endStream ? Http2FrameFlags.EndStream : Http2FrameFlags.None, streamId).Write(output.GetSpan(Http2FrameHeader.Size));
        output.Advance(Http2FrameHeader.Size);
    }

    /// <summary>A SETTINGS frame with <paramref name="settings"/>.</summary>
    public static void WriteSettings(IBufferWriter<byte> output, ReadOnlySpan<Http2Setting> settings)
    {
        var span = Start(output, new Http2FrameHeader(settings.Length * 6, Http2FrameType.Settings, Http2FrameFlags.None, 0));
        foreach (var setting in settings)
        {
            BinaryPrimitives.WriteUInt16BigEndian(span, (ushort)setting.Id);
            BinaryPrimitives.WriteUInt32BigEndian(span[2..], setting.Value);
            span = span[6..];
        }

        output.Advance(Http2FrameHeader.Size + (settings.Length * 6));
    }

    /// <summary>The acknowledgement of the peer's SETTINGS.</summary>
    public static void WriteSettingsAck(IBufferWriter<byte> output) =>
        WriteFrame(output, new Http2FrameHeader(0, Http2FrameType.Settings, Http2FrameFlags.Ack, 0), []);

    /// <summary>A WINDOW_UPDATE for a stream, or for the connection when <paramref name="streamId"/> is 0.</summary>
    public static void WriteWindowUpdate(IBufferWriter<byte> output, int streamId, int increment)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(increment);
        Span<byte> payload = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(payload, increment);
        WriteFrame(output, new Http2FrameHeader(4, Http2FrameType.WindowUpdate, Http2FrameFlags.None, streamId), payload);
    }

    /// <summary>A PING, or the answer to one when <paramref name="ack"/>.</summary>
    public static void WritePing(IBufferWriter<byte> output, ulong opaqueData, bool ack)
    {
        Span<byte> payload = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(payload, opaqueData);
        WriteFrame(output, new Http2FrameHeader(8, Http2FrameType.Ping, ack ? Http2FrameFlags.Ack : Http2FrameFlags.None, 0), payload);
    }

    /// <summary>An RST_STREAM ending one stream.</summary>
    public static void WriteRstStream(IBufferWriter<byte> output, int streamId, Http2ErrorCode errorCode)
    {
        Span<byte> payload = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(payload, (uint)errorCode);
        WriteFrame(output, new Http2FrameHeader(4, Http2FrameType.RstStream, Http2FrameFlags.None, streamId), payload);
    }

    /// <summary>A GOAWAY: streams above <paramref name="lastStreamId"/> were not processed; the debug text is for people.</summary>
    public static void WriteGoAway(IBufferWriter<byte> output, int lastStreamId, Http2ErrorCode errorCode, string? debugData = null)
    {
        var debugLength = debugData is null ? 0 : Encoding.UTF8.GetByteCount(debugData);
        var span = Start(output, new Http2FrameHeader(8 + debugLength, Http2FrameType.GoAway, Http2FrameFlags.None, 0));
        BinaryPrimitives.WriteInt32BigEndian(span, lastStreamId & 0x7FFF_FFFF);
        BinaryPrimitives.WriteUInt32BigEndian(span[4..], (uint)errorCode);
        if (debugData is not null)
        {
            Encoding.UTF8.GetBytes(debugData, span[8..]);
        }

        output.Advance(Http2FrameHeader.Size + 8 + debugLength);
    }

    /// <summary>The opaque data of a PING.</summary>
    public static ulong ReadPing(ReadOnlySequence<byte> payload) =>
        BinaryPrimitives.ReadUInt64BigEndian(Exactly(payload, stackalloc byte[8], Http2FrameType.Ping));

    /// <summary>The increment of a WINDOW_UPDATE; a zero increment is the caller's to refuse (stream or connection error).</summary>
    public static int ReadWindowUpdate(ReadOnlySequence<byte> payload) =>
        (int)(BinaryPrimitives.ReadUInt32BigEndian(Exactly(payload, stackalloc byte[4], Http2FrameType.WindowUpdate)) & 0x7FFF_FFFF);

    /// <summary>The error code of an RST_STREAM.</summary>
    public static Http2ErrorCode ReadRstStream(ReadOnlySequence<byte> payload) =>
        (Http2ErrorCode)BinaryPrimitives.ReadUInt32BigEndian(Exactly(payload, stackalloc byte[4], Http2FrameType.RstStream));

    /// <summary>The last stream id and the error code of a GOAWAY; its debug data is skipped.</summary>
    public static (int LastStreamId, Http2ErrorCode ErrorCode) ReadGoAway(ReadOnlySequence<byte> payload)
    {
        if (payload.Length < 8)
        {
            throw new Http2ProtocolException(Http2ErrorCode.FrameSizeError, $"a GOAWAY frame of {payload.Length} bytes is shorter than 8");
        }

        Span<byte> fields = stackalloc byte[8];
        payload.Slice(0, 8).CopyTo(fields);
        return ((int)(BinaryPrimitives.ReadUInt32BigEndian(fields) & 0x7FFF_FFFF), (Http2ErrorCode)BinaryPrimitives.ReadUInt32BigEndian(fields[4..]));
    }

    private static ReadOnlySpan<byte> Exactly(ReadOnlySequence<byte> payload, Span<byte> destination, Http2FrameType type)
    {
        if (payload.Length != destination.Length)
        {
            throw new Http2ProtocolException(Http2ErrorCode.FrameSizeError, $"a {type} frame of {payload.Length} bytes, not {destination.Length}");
        }

        payload.CopyTo(destination);
        return destination;
    }

    private static void WriteFrame(IBufferWriter<byte> output, Http2FrameHeader header, ReadOnlySpan<byte> payload)
    {
        var span = Start(output, header);
        payload.CopyTo(span);
        output.Advance(Http2FrameHeader.Size + payload.Length);
    }

    /// <summary>Writes the header and returns where the payload goes; the caller advances past both.</summary>
    private static Span<byte> Start(IBufferWriter<byte> output, Http2FrameHeader header)
    {
        var span = output.GetSpan(Http2FrameHeader.Size + header.Length);
        header.Write(span);
        return span[Http2FrameHeader.Size..];
    }
}
