using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using Grpc.Core;
using RocketTax.RocketMQ.Client.Session;
using RocketTax.RocketMQ.Http2;

namespace RocketTax.RocketMQ.Client.Transport;

/// <summary>
/// One HTTP/2 connection carrying gRPC calls: a read loop that dispatches frames to the streams, the shared frame
/// writer, the SETTINGS exchange, flow control both ways, GOAWAY, and a housekeeping tick that enforces call
/// deadlines and probes a silent connection with PING while calls are in flight.
/// </summary>
internal sealed class Http2Connection
{
    private static readonly TimeSpan HousekeepingPeriod = TimeSpan.FromMilliseconds(100);

    /// <summary>The largest response header block accepted (HEADERS and its CONTINUATIONs).</summary>
    private const int MaxHeaderBlockSize = 256 * 1024;

    private readonly EndpointAddress _endpoint;
    private readonly Http2TransportOptions _options;
    private readonly Stream _transport;
    private readonly PipeReader _input;
    private readonly Http2FrameWriter _writer;
    private readonly Action<Http2Connection> _onClosed;
    private readonly Http2PeerSettings _peer = new();
    private readonly HpackDecoder _decoder = new();
    private readonly HpackEncoder _encoder = new();
    private readonly ArrayBufferWriter<byte> _headerBlock = new(1024);
    private readonly Http2HeaderBlockAssembler _headerBlocks = new(MaxHeaderBlockSize);
    private readonly StreamHeaderHandler _headerHandler = new();
    private readonly Lock _streamsLock = new();
    private readonly Dictionary<int, GrpcStream> _streams = [];
    private readonly List<GrpcStream> _expired = [];
    private readonly long _openedTick = Environment.TickCount64;
    private readonly CancellationTokenSource _closing = new();
    private int _nextStreamId = 1;
    private int _reserved;
    private int _connectionUncredited;
    private int _connectionReceiveWindow;
    private long _lastFrameTick = Environment.TickCount64;
    private bool _pingOutstanding;
    private volatile bool _settingsReceived;
    private volatile bool _goingAway;
    private int _closed;
    private Task _writing = Task.CompletedTask;

    private Http2Connection(EndpointAddress endpoint, Http2TransportOptions options, Stream transport, Action<Http2Connection> onClosed)
    {
        _endpoint = endpoint;
        _options = options;
        _transport = transport;
        _onClosed = onClosed;
        _connectionReceiveWindow = Math.Max(options.ConnectionWindowSize, Http2Frames.DefaultInitialWindowSize);
        _input = PipeReader.Create(transport, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 16 * 1024, leaveOpen: true));
        _writer = new Http2FrameWriter(transport);
    }

    /// <summary>The connection's send window, shared by every stream's DATA.</summary>
    public Http2SendWindow SendWindow { get; } = new(Http2Frames.DefaultInitialWindowSize);

    /// <summary>The largest DATA payload the server accepts.</summary>
    public int PeerMaxFrameSize => _peer.MaxFrameSize;

    /// <summary>Takes new calls: open, and no GOAWAY received.</summary>
    public bool IsUsable => !_goingAway && Volatile.Read(ref _closed) == 0;

    /// <summary>
    /// Opens a connection: TCP, TLS with ALPN h2 when configured, then the preface and SETTINGS. Calls may start before
    /// the server's SETTINGS arrive (as RFC 9113 allows), which saves a round trip; a server that sends none within the
    /// connect timeout is given up.
    /// </summary>
    public static async Task<Http2Connection> ConnectAsync(
        EndpointAddress endpoint, Http2TransportOptions options, Action<Http2Connection> onClosed, CancellationToken cancellationToken)
    {
        var transport = await Http2Socket.OpenAsync(endpoint, options, cancellationToken).ConfigureAwait(false);
        var connection = new Http2Connection(endpoint, options, transport, onClosed);
        connection.Start();
        return connection;
    }

    /// <summary>Counts a new call against the server's MAX_CONCURRENT_STREAMS; false when full or closing.</summary>
    public bool TryReserve()
    {
        if (!IsUsable)
        {
            return false;
        }

        lock (_streamsLock)
        {
            if ((uint)_reserved >= _peer.MaxConcurrentStreams)
            {
                return false;
            }

            _reserved++;
            return true;
        }
    }

    /// <summary>
    /// Opens the call's stream with one HEADERS block: the method's constant fields, the call's metadata and its
    /// <c>grpc-timeout</c>. False when the call already ended or the connection closed (the call is then finished).
    /// </summary>
    public bool StartStream(GrpcStream stream, ReadOnlySpan<byte> constantHeaders)
    {
        using var batch = _writer.Start();
        var id = _nextStreamId;
        bool attached;
        lock (_streamsLock)
        {
            // Under the lock that SETTINGS changes take: the stream's window starts from the size they left.
            attached = IsUsable && stream.Attach(this, id, _peer.InitialWindowSize);
            if (attached)
            {
                _streams[id] = stream;
            }
        }

        if (!attached)
        {
            Release();
            stream.Finish(new Status(StatusCode.Unavailable, $"The HTTP/2 connection to {_endpoint} closed before the call started."),
                null, GrpcStream.Ending.Gone, keepMessages: false);
            return false;
        }

        _nextStreamId += 2;
        if (_nextStreamId > int.MaxValue - 2)
        {
            // Stream ids run out after about a billion calls: new calls go to a fresh connection, this one drains.
            _goingAway = true;
            _onClosed(this);
        }

        _headerBlock.ResetWrittenCount();
        _headerBlock.Write(constantHeaders);
        if (stream.Headers is { } metadata)
        {
            foreach (var entry in metadata)
            {
                _encoder.Encode(_headerBlock, entry.Key, entry.IsBinary ? Convert.ToBase64String(entry.ValueBytes) : entry.Value);
            }
        }

        if (stream.Timeout is { } timeout)
        {
            Span<byte> value = stackalloc byte[16];
            _encoder.Encode(_headerBlock, "grpc-timeout"u8, value[..GrpcTimeout.Format(timeout, value)]);
        }

        Http2Frames.WriteHeaders(batch.Output, id, _headerBlock.WrittenSpan, endStream: false, _peer.MaxFrameSize);
        return true;
    }

    /// <summary>Appends one DATA frame of a stream; false when the stream ended meanwhile.</summary>
    public bool WriteData(GrpcStream stream, ReadOnlySpan<byte> data, bool endStream)
    {
        using var batch = _writer.Start();
        if (Volatile.Read(ref _closed) != 0 || !stream.TryCloseLocal(endStream))
        {
            return false;
        }

        Http2Frames.WriteDataHeader(batch.Output, stream.Id, data.Length, endStream);
        batch.Output.Write(data);
        return true;
    }

    /// <summary>Gives the server back stream window the reader consumed.</summary>
    public void Credit(GrpcStream stream, int increment)
    {
        if (increment > 0 && Volatile.Read(ref _closed) == 0)
        {
            using var batch = _writer.Start();
            Http2Frames.WriteWindowUpdate(batch.Output, stream.Id, increment);
        }
    }

    /// <summary>A stream ended: it stops counting against the limit; reset tells the server when it still expects more from us.</summary>
    public void OnStreamFinished(GrpcStream stream, bool reset)
    {
        bool removed;
        lock (_streamsLock)
        {
            removed = _streams.Remove(stream.Id);
        }

        if (!removed)
        {
            return;
        }

        if (reset && Volatile.Read(ref _closed) == 0)
        {
            using var batch = _writer.Start();
            Http2Frames.WriteRstStream(batch.Output, stream.Id, Http2ErrorCode.Cancel);
        }

        Release();
    }

    /// <summary>Closes the connection: calls in flight fail <see cref="StatusCode.Unavailable"/>; <paramref name="goAway"/> tells the server why.</summary>
    public void Close(Exception reason, Http2ErrorCode? goAway)
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        if (goAway is { } code)
        {
            using var batch = _writer.Start();
            Http2Frames.WriteGoAway(batch.Output, 0, code, code == Http2ErrorCode.NoError ? null : reason.Message);
        }

        var status = new Status(StatusCode.Unavailable, $"The HTTP/2 connection to {_endpoint} failed: {reason.Message}", reason);
        SendWindow.Abort(new RpcException(status));
        GrpcStream[] streams;
        lock (_streamsLock)
        {
            streams = [.. _streams.Values];
            _streams.Clear();
        }

        foreach (var stream in streams)
        {
            stream.Finish(status, null, GrpcStream.Ending.Gone, keepMessages: false);
        }

        _onClosed(this);
        _ = ShutdownAsync();
    }

    private void Start()
    {
        using (var batch = _writer.Start())
        {
            batch.Output.Write(Http2Frames.ClientPreface);
            Http2Frames.WriteSettings(batch.Output,
            [
                new Http2Setting(Http2SettingId.EnablePush, 0),
                new Http2Setting(Http2SettingId.MaxHeaderListSize, 64 * 1024),
            ]);
            if (_options.ConnectionWindowSize > Http2Frames.DefaultInitialWindowSize)
            {
                Http2Frames.WriteWindowUpdate(batch.Output, 0, _options.ConnectionWindowSize - Http2Frames.DefaultInitialWindowSize);
            }
        }

        _writing = RunWriterAsync();
        _ = RunReaderAsync();
        _ = RunHousekeepingAsync();
    }

    private async Task RunWriterAsync()
    {
        try
        {
            await _writer.RunAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or SocketException)
        {
            Close(ex, goAway: null);
        }
    }

    private async Task RunReaderAsync()
    {
        try
        {
            while (true)
            {
                var result = await _input.ReadAsync().ConfigureAwait(false);
                var buffer = result.Buffer;
                while (Http2Frames.TryReadFrame(ref buffer, Http2Frames.DefaultMaxFrameSize, out var header, out var payload))
                {
                    _lastFrameTick = Environment.TickCount64;
                    OnFrame(header, payload);
                }

                _input.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    throw new IOException($"{_endpoint} closed the connection.");
                }
            }
        }
        catch (Http2ProtocolException ex)
        {
            Close(ex, ex.ErrorCode);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or SocketException or InvalidOperationException)
        {
            Close(ex, goAway: null);
        }
        finally
        {
            await _input.CompleteAsync().ConfigureAwait(false);
        }
    }

    private void OnFrame(in Http2FrameHeader header, ReadOnlySequence<byte> payload)
    {
        _headerBlocks.Check(header);

        switch (header.Type)
        {
            case Http2FrameType.Data:
                OnData(header, payload);
                break;
            case Http2FrameType.Headers:
                OnHeaders(header, payload);
                break;
            case Http2FrameType.Continuation:
                OnContinuation(header, payload);
                break;
            case Http2FrameType.RstStream:
                RequireStream(header);
                Find(header.StreamId)?.Finish(GrpcStatusMapping.FromReset(Http2Frames.ReadRstStream(payload)), null, GrpcStream.Ending.Gone, keepMessages: false);
                break;
            case Http2FrameType.Settings:
                OnSettings(header, payload);
                break;
            case Http2FrameType.Ping:
                OnPing(header, payload);
                break;
            case Http2FrameType.GoAway:
                RequireConnection(header);
                var (lastStreamId, errorCode) = Http2Frames.ReadGoAway(payload);
                OnGoAway(lastStreamId, errorCode);
                break;
            case Http2FrameType.WindowUpdate:
                OnWindowUpdate(header, payload);
                break;
            case Http2FrameType.PushPromise:
                throw new Http2ProtocolException(Http2ErrorCode.ProtocolError, "PUSH_PROMISE received although the client disabled push.");
            default:
                // PRIORITY and unknown frame types carry nothing a client must act on.
                break;
        }
    }

    private void OnData(in Http2FrameHeader header, ReadOnlySequence<byte> payload)
    {
        RequireStream(header);
        var content = Http2Frames.ContentOf(header, payload);
        _connectionReceiveWindow -= header.Length;
        if (_connectionReceiveWindow < 0)
        {
            throw new Http2ProtocolException(Http2ErrorCode.FlowControlError, "The server sent more DATA than the connection's flow-control window allows.");
        }

        _connectionUncredited += header.Length;
        if (_connectionUncredited >= _options.ConnectionWindowSize / 2)
        {
            using var batch = _writer.Start();
            Http2Frames.WriteWindowUpdate(batch.Output, 0, _connectionUncredited);
            _connectionReceiveWindow += _connectionUncredited;
            _connectionUncredited = 0;
        }

        if (Find(header.StreamId) is { } stream)
        {
            Credit(stream, stream.OnData(content, header.Length, header.HasFlag(Http2FrameFlags.EndStream)));
        }
    }

    private void OnHeaders(in Http2FrameHeader header, ReadOnlySequence<byte> payload)
    {
        RequireStream(header);
        if ((header.StreamId & 1) == 0)
        {
            throw new Http2ProtocolException(Http2ErrorCode.ProtocolError, $"HEADERS on stream {header.StreamId}, which the client never opened.");
        }

        if (_headerBlocks.TryCompleteHeaders(header, payload, out var block))
        {
            DecodeHeaders(header.StreamId, block, header.HasFlag(Http2FrameFlags.EndStream));
        }
    }

    private void OnContinuation(in Http2FrameHeader header, ReadOnlySequence<byte> payload)
    {
        if (_headerBlocks.TryCompleteContinuation(header, payload, out var block, out var streamId, out var endStream))
        {
            DecodeHeaders(streamId, block, endStream);
        }
    }

    /// <summary>Every block is decoded, even of a stream already gone: the decoder's dynamic table must stay in step with the server's.</summary>
    private void DecodeHeaders(int streamId, ReadOnlySequence<byte> block, bool endStream)
    {
        var stream = Find(streamId);
        _headerHandler.Target = stream;
        try
        {
            _decoder.Decode(block, _headerHandler);
        }
        finally
        {
            _headerHandler.Target = null;
        }

        stream?.OnHeadersEnd(endStream);
    }

    private void OnSettings(in Http2FrameHeader header, ReadOnlySequence<byte> payload)
    {
        RequireConnection(header);
        if (header.HasFlag(Http2FrameFlags.Ack))
        {
            return;
        }

        lock (_streamsLock)
        {
            var delta = _peer.Apply(payload);
            if (delta != 0)
            {
                foreach (var stream in _streams.Values)
                {
                    stream.SendWindow?.Add(delta);
                }
            }
        }

        using (var batch = _writer.Start())
        {
            Http2Frames.WriteSettingsAck(batch.Output);
        }

        _settingsReceived = true;
    }

    private void OnPing(in Http2FrameHeader header, ReadOnlySequence<byte> payload)
    {
        RequireConnection(header);
        var opaque = Http2Frames.ReadPing(payload);
        if (header.HasFlag(Http2FrameFlags.Ack))
        {
            _pingOutstanding = false;
            return;
        }

        using var batch = _writer.Start();
        Http2Frames.WritePing(batch.Output, opaque, ack: true);
    }

    /// <summary>
    /// The server stops taking calls: those it will not process fail <see cref="StatusCode.Unavailable"/> at once (safe
    /// to retry), the rest finish here, and new calls go to a new connection.
    /// </summary>
    private void OnGoAway(int lastStreamId, Http2ErrorCode errorCode)
    {
        _goingAway = true;
        _onClosed(this);
        var status = new Status(StatusCode.Unavailable,
            $"{_endpoint} is closing the HTTP/2 connection (GOAWAY {errorCode}) and did not process this call; it is safe to retry.");
        List<GrpcStream> refused = [];
        int open;
        lock (_streamsLock)
        {
            foreach (var (id, stream) in _streams)
            {
                if (id > lastStreamId)
                {
                    refused.Add(stream);
                }
            }

            open = _streams.Count - refused.Count;
        }

        foreach (var stream in refused)
        {
            stream.Finish(status, null, GrpcStream.Ending.Gone, keepMessages: false);
        }

        if (open == 0)
        {
            Close(new IOException($"{_endpoint} sent GOAWAY ({errorCode})."), Http2ErrorCode.NoError);
        }
    }

    private void OnWindowUpdate(in Http2FrameHeader header, ReadOnlySequence<byte> payload)
    {
        var increment = Http2Frames.ReadWindowUpdate(payload);
        if (header.StreamId == 0)
        {
            if (increment == 0)
            {
                throw new Http2ProtocolException(Http2ErrorCode.ProtocolError, "WINDOW_UPDATE of 0 on the connection.");
            }

            SendWindow.Add(increment);
            return;
        }

        if (Find(header.StreamId) is not { } stream)
        {
            return;
        }

        try
        {
            if (increment == 0)
            {
                throw new Http2ProtocolException(Http2ErrorCode.ProtocolError, "WINDOW_UPDATE of 0 on a stream.");
            }

            stream.SendWindow?.Add(increment);
        }
        catch (Http2ProtocolException ex)
        {
            stream.Finish(new Status(StatusCode.Internal, $"The server broke flow control on the call's stream: {ex.Message}"), null, GrpcStream.Ending.Reset, keepMessages: false);
        }
    }

    private async Task RunHousekeepingAsync()
    {
        using var timer = new PeriodicTimer(HousekeepingPeriod);
        try
        {
            while (await timer.WaitForNextTickAsync(_closing.Token).ConfigureAwait(false))
            {
                var now = Environment.TickCount64;
                if (!_settingsReceived && now - _openedTick > (long)_options.ConnectTimeout.TotalMilliseconds)
                {
                    Close(new IOException($"{_endpoint} sent no HTTP/2 SETTINGS within {_options.ConnectTimeout.TotalSeconds:0.###} s; is it a gRPC port?"), Http2ErrorCode.SettingsTimeout);
                    return;
                }

                ExpireDeadlines(now);
                KeepAlive(now);
            }
        }
        catch (OperationCanceledException)
        {
            // Closed.
        }
    }

    private void ExpireDeadlines(long now)
    {
        lock (_streamsLock)
        {
            foreach (var stream in _streams.Values)
            {
                if (stream.DeadlineTick <= now)
                {
                    _expired.Add(stream);
                }
            }
        }

        foreach (var stream in _expired)
        {
            stream.Cancel(StatusCode.DeadlineExceeded, "The deadline passed before the server answered.");
        }

        _expired.Clear();
    }

    private void KeepAlive(long now)
    {
        var silent = now - Volatile.Read(ref _lastFrameTick);
        if (Volatile.Read(ref _pingOutstanding))
        {
            if (silent > (long)(_options.KeepAliveDelay + _options.KeepAliveTimeout).TotalMilliseconds)
            {
                Close(new IOException($"{_endpoint} did not answer a keepalive PING within {_options.KeepAliveTimeout.TotalSeconds:0.###} s."), Http2ErrorCode.NoError);
            }

            return;
        }

        bool active;
        lock (_streamsLock)
        {
            active = _streams.Count > 0;
        }

        if (active && silent > (long)_options.KeepAliveDelay.TotalMilliseconds)
        {
            Volatile.Write(ref _pingOutstanding, true);
            using var batch = _writer.Start();
            Http2Frames.WritePing(batch.Output, (ulong)now, ack: false);
        }
    }

    private async Task ShutdownAsync()
    {
        await _closing.CancelAsync().ConfigureAwait(false);
        _writer.Complete();
        // The last frames (GOAWAY) go out unless the socket is already broken; then the socket goes.
        try
        {
            await _writing.WaitAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The socket does not take the last frames: it goes anyway.
        }

        await _transport.DisposeAsync().ConfigureAwait(false);
        _closing.Dispose();
    }

    private void Release()
    {
        bool drained;
        lock (_streamsLock)
        {
            _reserved--;
            drained = _goingAway && _streams.Count == 0;
        }

        if (drained)
        {
            Close(new IOException($"{_endpoint} sent GOAWAY and its last call finished."), Http2ErrorCode.NoError);
        }
    }

    private GrpcStream? Find(int streamId)
    {
        lock (_streamsLock)
        {
            return _streams.GetValueOrDefault(streamId);
        }
    }

    private static void RequireStream(in Http2FrameHeader header)
    {
        if (header.StreamId == 0)
        {
            throw new Http2ProtocolException(Http2ErrorCode.ProtocolError, $"{header.Type} on stream 0.");
        }
    }

    private static void RequireConnection(in Http2FrameHeader header)
    {
        if (header.StreamId != 0)
        {
            throw new Http2ProtocolException(Http2ErrorCode.ProtocolError, $"{header.Type} on stream {header.StreamId}, not the connection.");
        }
    }

    /// <summary>Routes decoded header fields to the stream whose block is being decoded (none: the fields are dropped).</summary>
    private sealed class StreamHeaderHandler : IHpackHeaderHandler
    {
        public GrpcStream? Target { get; set; }

        public void OnHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value) => Target?.OnHeader(name, value);
    }
}
