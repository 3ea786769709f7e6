using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Threading.Channels;
using Grpc.Core;
using RocketTax.RocketMQ.Http2;

namespace RocketTax.RocketMQ.Broker.Grpc.Transport;

/// <summary>
/// The one writer of a connection. Calls and the frame reader queue frames; this writes every frame queued
/// so far, from all streams, and flushes once, as the remoting server writes its answers. DATA is queued only
/// after the client's windows allowed it, so what waits here is bounded by those windows.
/// </summary>
internal sealed class NativeFrameWriter(PipeWriter output, Http2Setting[] settings, int connectionWindowIncrement)
{
    private static readonly byte[] ResponseHeaders = Encode((":status", "200"), ("content-type", "application/grpc"));

    private static readonly byte[] OkTrailers = Encode(("grpc-status", "0"));

    private readonly Channel<OutboundFrame> _frames = Channel.CreateUnbounded<OutboundFrame>(
        new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = false });

    private readonly HpackEncoder _encoder = new();
    private readonly ArrayBufferWriter<byte> _headerBlock = new(256);
    private volatile int _peerMaxFrameSize = Http2Frames.DefaultMaxFrameSize;
    private int _pendingReplies;

    /// <summary>SETTINGS_MAX_FRAME_SIZE of the client: the largest frame this writer may send.</summary>
    public int PeerMaxFrameSize
    {
        get => _peerMaxFrameSize;
        set => _peerMaxFrameSize = value;
    }

    /// <summary>
    /// Replies to the client's own frames (SETTINGS and PING acknowledgements, RST_STREAM) queued and not yet written:
    /// a client that sends such frames faster than it reads the replies would otherwise grow this queue without end.
    /// </summary>
    public int PendingReplies => Volatile.Read(ref _pendingReplies);

    /// <summary>Queues <paramref name="frame"/>; false once the connection is closing and nothing more goes out.</summary>
    public bool Enqueue(in OutboundFrame frame)
    {
        if (IsReply(frame.Kind))
        {
            Interlocked.Increment(ref _pendingReplies);
        }

        return _frames.Writer.TryWrite(frame);
    }

    /// <summary>Queues the broker's SETTINGS, and the WINDOW_UPDATE that opens the connection's window beyond HTTP/2's default.</summary>
    public bool EnqueueSettings() => Enqueue(new OutboundFrame(OutboundKind.Settings, 0));

    public bool EnqueueSettingsAck() => Enqueue(new OutboundFrame(OutboundKind.SettingsAck, 0));

    public bool EnqueuePingAck(ulong opaqueData) => Enqueue(new OutboundFrame(OutboundKind.PingAck, 0, Value: (long)opaqueData));

    /// <summary>No more frames: the writer writes what is queued, flushes and ends.</summary>
    public void Complete() => _frames.Writer.TryComplete();

    /// <summary>Writes until <see cref="Complete"/> and the queue is empty, or the connection breaks (which throws).</summary>
    public async Task RunAsync()
    {
        var reader = _frames.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out var frame))
            {
                Write(frame);
            }

            var flushed = await output.FlushAsync().ConfigureAwait(false);
            if (flushed.IsCompleted || flushed.IsCanceled)
            {
                break;
            }
        }

        // What is still queued after a broken connection only has its pooled buffers to give back.
        while (reader.TryRead(out var frame))
        {
            ReturnBuffer(frame);
        }
    }

    private void Write(in OutboundFrame frame)
    {
        if (IsReply(frame.Kind))
        {
            Interlocked.Decrement(ref _pendingReplies);
        }

        switch (frame.Kind)
        {
            case OutboundKind.Settings:
                Http2Frames.WriteSettings(output, settings);
                if (connectionWindowIncrement > 0)
                {
                    Http2Frames.WriteWindowUpdate(output, 0, connectionWindowIncrement);
                }

                break;
            case OutboundKind.SettingsAck:
                Http2Frames.WriteSettingsAck(output);
                break;
            case OutboundKind.PingAck:
                Http2Frames.WritePing(output, (ulong)frame.Value, ack: true);
                break;
            case OutboundKind.WindowUpdate:
                Http2Frames.WriteWindowUpdate(output, frame.StreamId, (int)frame.Value);
                break;
            case OutboundKind.RstStream:
                Http2Frames.WriteRstStream(output, frame.StreamId, (Http2ErrorCode)frame.Value);
                break;
            case OutboundKind.GoAway:
                Http2Frames.WriteGoAway(output, frame.StreamId, (Http2ErrorCode)frame.Value, frame.Text);
                break;
            case OutboundKind.Data:
                WriteData(frame);
                break;
            case OutboundKind.Trailers:
                WriteTrailers(frame.Call!, frame.WithHeaders);
                break;
        }
    }

    private void WriteData(in OutboundFrame frame)
    {
        // A stream the client reset gets no more frames.
        if (!frame.Call!.IsReset)
        {
            if (frame.WithHeaders)
            {
                Http2Frames.WriteHeaders(output, frame.StreamId, ResponseHeaders, endStream: false, PeerMaxFrameSize);
            }

            Http2Frames.WriteDataHeader(output, frame.StreamId, frame.Length, endStream: false);
            output.Write(frame.Buffer.AsSpan(frame.Offset, frame.Length));
        }

        ReturnBuffer(frame);
    }

    private void WriteTrailers(NativeServerCallContext call, bool trailersOnly)
    {
        if (call.IsReset)
        {
            return;
        }

        var status = call.Status;
        var trailers = call.ResponseTrailersIfAny;
        if (!trailersOnly && status.StatusCode == StatusCode.OK && string.IsNullOrEmpty(status.Detail) && trailers is null)
        {
            Http2Frames.WriteHeaders(output, call.StreamId, OkTrailers, endStream: true, PeerMaxFrameSize);
            return;
        }

        _headerBlock.ResetWrittenCount();
        if (trailersOnly)
        {
            _headerBlock.Write(ResponseHeaders);
        }

        _encoder.Encode(_headerBlock, "grpc-status", ((int)status.StatusCode).ToString(CultureInfo.InvariantCulture));
        if (!string.IsNullOrEmpty(status.Detail))
        {
            _encoder.Encode(_headerBlock, "grpc-message", GrpcStatusMessage.Encode(status.Detail));
        }

        if (trailers is not null)
        {
            foreach (var entry in trailers)
            {
                _encoder.Encode(_headerBlock, entry.Key, entry.IsBinary ? Convert.ToBase64String(entry.ValueBytes) : entry.Value);
            }
        }

        Http2Frames.WriteHeaders(output, call.StreamId, _headerBlock.WrittenSpan, endStream: true, PeerMaxFrameSize);
    }

    private static bool IsReply(OutboundKind kind) => kind is OutboundKind.SettingsAck or OutboundKind.PingAck or OutboundKind.RstStream;

    private static void ReturnBuffer(in OutboundFrame frame)
    {
        if (frame.ReturnsBuffer && frame.Buffer is { } buffer)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>A header block built once: the fields every response carries.</summary>
    private static byte[] Encode(params (string Name, string Value)[] fields)
    {
        var encoder = new HpackEncoder();
        var block = new ArrayBufferWriter<byte>();
        foreach (var (name, value) in fields)
        {
            encoder.Encode(block, name, value);
        }

        return block.WrittenSpan.ToArray();
    }
}
