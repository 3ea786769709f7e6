using System.Buffers;

namespace RocketTax.RocketMQ.Http2;

/// <summary>
/// Joins a HEADERS frame and the CONTINUATION frames after it into one header block (RFC 9113, 6.2 and 6.10). While a
/// block is open, any frame but a CONTINUATION of its stream is a PROTOCOL_ERROR. One per connection, on its frame reader.
/// </summary>
/// <param name="maxBlockSize">The largest block accepted; a larger one is ENHANCE_YOUR_CALM.</param>
public sealed class Http2HeaderBlockAssembler(int maxBlockSize)
{
    private readonly ArrayBufferWriter<byte> _block = new(1024);
    private int _streamId;
    private bool _endStream;

    /// <summary>Checks a frame before it is handled: while a block is open, only its stream's CONTINUATION may come.</summary>
    public void Check(in Http2FrameHeader header)
    {
        if (_streamId != 0 && (header.Type != Http2FrameType.Continuation || header.StreamId != _streamId))
        {
            throw new Http2ProtocolException(
                Http2ErrorCode.ProtocolError, $"a {header.Type} frame on stream {header.StreamId} came inside the header block of stream {_streamId}");
        }
    }

    /// <summary>
    /// A HEADERS frame: true, with its block, when the frame ends the headers itself; false when CONTINUATION frames must
    /// follow (the fragment is kept).
    /// </summary>
    public bool TryCompleteHeaders(in Http2FrameHeader header, ReadOnlySequence<byte> payload, out ReadOnlySequence<byte> block)
    {
        block = Http2Frames.ContentOf(header, payload);
        if (header.HasFlag(Http2FrameFlags.EndHeaders))
        {
            return true;
        }

        _block.ResetWrittenCount();
        Append(block);
        (_streamId, _endStream) = (header.StreamId, header.HasFlag(Http2FrameFlags.EndStream));
        block = default;
        return false;
    }

    /// <summary>
    /// A CONTINUATION frame: true once it ends the headers, with the whole block, its stream and whether the HEADERS frame
    /// ended the stream. The block is valid until the next HEADERS frame.
    /// </summary>
    public bool TryCompleteContinuation(
        in Http2FrameHeader header, ReadOnlySequence<byte> payload, out ReadOnlySequence<byte> block, out int streamId, out bool endStream)
    {
        if (_streamId == 0)
        {
            throw new Http2ProtocolException(Http2ErrorCode.ProtocolError, $"a CONTINUATION frame on stream {header.StreamId} follows no HEADERS frame");
        }

        Append(payload);
        (block, streamId, endStream) = (default, _streamId, _endStream);
        if (!header.HasFlag(Http2FrameFlags.EndHeaders))
        {
            return false;
        }

        _streamId = 0;
        block = new ReadOnlySequence<byte>(_block.WrittenMemory);
        return true;
    }

    private void Append(ReadOnlySequence<byte> fragment)
    {
        if (_block.WrittenCount + fragment.Length > maxBlockSize)
        {
            throw new Http2ProtocolException(Http2ErrorCode.EnhanceYourCalm, $"a header block exceeds {maxBlockSize} bytes");
        }

        foreach (var segment in fragment)
        {
            _block.Write(segment.Span);
        }
    }
}
