using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using RocketTax.RocketMQ.Http2;

namespace RocketTax.RocketMQ.Broker.Grpc.Transport;

/// <summary>
/// One client connection of the native gRPC transport: reads HTTP/2 frames, keeps the connection's state (streams,
/// settings, windows, HPACK), and hands each stream to a <see cref="NativeServerCallContext"/>. Frames go out through
/// one <see cref="NativeFrameWriter"/>. A protocol error ends the connection with GOAWAY; so does the broker's
/// shutdown, after the calls in flight have answered.
/// </summary>
public sealed partial class NativeGrpcConnection : IHpackHeaderHandler
{
    /// <summary>Replies queued for a client that does not read them, past which it is cut off: far above what a reading client ever has queued.</summary>
    private const int MaxPendingReplies = 10_000;

    /// <summary>How long a closing connection waits for its last frames to be written before it is aborted.</summary>
    private static readonly TimeSpan LastFramesTimeout = TimeSpan.FromSeconds(5);

    private readonly ConnectionContext _connection;
    private readonly NativeGrpcService _service;
    private readonly ILogger _logger;
    private readonly HpackDecoder _decoder;
    private readonly Http2PeerSettings _peerSettings = new();
    private readonly HeaderStringCache _headerStrings = new();
    private readonly Dictionary<int, NativeServerCallContext> _calls = [];
    private readonly Lock _callsGate = new();
    private readonly Http2HeaderBlockAssembler _headerBlocks;

    private int _lastStreamId;
    private NativeServerCallContext? _decodingCall;
    private int _receiveWindow;
    private int _receiveUnacknowledged;
    private bool _draining;
    private bool _closed;

    internal NativeGrpcConnection(ConnectionContext connection, NativeGrpcService service)
    {
        _connection = connection;
        _service = service;
        _logger = service.Logger;
        _decoder = new HpackDecoder(maxHeaderListSize: service.Options.MaxHeaderBlockSize);
        _headerBlocks = new Http2HeaderBlockAssembler(service.Options.MaxHeaderBlockSize);
        _receiveWindow = service.Options.ConnectionReceiveWindow;
        Peer = PeerOf(connection.RemoteEndPoint);
        Writer = new NativeFrameWriter(
            connection.Transport.Output,
            [
                new Http2Setting(Http2SettingId.MaxConcurrentStreams, (uint)service.Options.MaxConcurrentStreams),
                new Http2Setting(Http2SettingId.InitialWindowSize, (uint)service.Options.StreamReceiveWindow),
                new Http2Setting(Http2SettingId.MaxHeaderListSize, (uint)service.Options.MaxHeaderBlockSize),
            ],
            service.Options.ConnectionReceiveWindow - Http2Frames.DefaultInitialWindowSize);
    }

    /// <summary>The client as gRPC names peers: <c>ipv4:127.0.0.1:5000</c>, <c>ipv6:[::1]:5000</c>.</summary>
    public string Peer { get; }

    internal NativeFrameWriter Writer { get; }

    /// <summary>What the client lets the whole connection's responses send.</summary>
    internal Http2SendWindow SendWindow { get; } = new(Http2Frames.DefaultInitialWindowSize);

    internal NativeGrpcOptions Options => _service.Options;

    /// <summary>Serves the connection until the client closes it, a protocol error, or the broker's shutdown.</summary>
    public async Task RunAsync()
    {
        Writer.EnqueueSettings();
        var writing = WriteFramesAsync();
        var lifetime = _connection.Features.Get<IConnectionLifetimeNotificationFeature>();
        using var closing = lifetime?.ConnectionClosedRequested.UnsafeRegister(static c => ((NativeGrpcConnection)c!).Drain(), this);
        try
        {
            await ReadFramesAsync().ConfigureAwait(false);
        }
        catch (Http2ProtocolException ex)
        {
            LogProtocolError(Peer, ex.ErrorCode, ex.Message);
            Writer.Enqueue(OutboundFrame.GoAway(Volatile.Read(ref _lastStreamId), ex.ErrorCode, ex.Message));
        }
        catch (Exception ex) when (ex is IOException or ConnectionResetException or ConnectionAbortedException or OperationCanceledException)
        {
            // The client went away; its calls are cancelled below.
        }
        finally
        {
            AbortCalls();
            Writer.Complete();
            try
            {
                await writing.WaitAsync(LastFramesTimeout).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // A client that stopped reading holds the last frames (GOAWAY) in a full socket: give up on it.
                _connection.Abort(new ConnectionAbortedException("the client did not read the connection's last frames"));
            }
            catch (Exception ex) when (ex is IOException or ConnectionResetException or ConnectionAbortedException or OperationCanceledException or InvalidOperationException)
            {
                // Nothing more can be sent to a broken connection.
            }

            await _connection.Transport.Input.CompleteAsync().ConfigureAwait(false);
            await _connection.Transport.Output.CompleteAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Runs the writer; a connection it can no longer write to is aborted, which ends the reader too.</summary>
    private async Task WriteFramesAsync()
    {
        try
        {
            await Writer.RunAsync().ConfigureAwait(false);
        }
        catch
        {
            _connection.Abort();
            throw;
        }
    }

    /// <summary>The method at <paramref name="path"/>; null for one this broker does not serve.</summary>
    internal NativeMethod? FindMethod(ReadOnlySpan<byte> path) => _service.FindMethod(path);

    internal void OnHandlerFailed(string method, Exception error) => LogHandlerFailed(error, method, Peer);

    /// <summary>A call answered (or was reset): its stream no longer counts against the limit.</summary>
    internal void OnCallCompleted(NativeServerCallContext call)
    {
        lock (_callsGate)
        {
            _calls.Remove(call.StreamId);
            StopReadingIfDrained();
        }
    }

    /// <summary>Gives consumed request bytes back to the client's connection window, half a window at a time.</summary>
    internal void Credit(int bytes)
    {
        if (Interlocked.Add(ref _receiveUnacknowledged, bytes) >= Options.ConnectionReceiveWindow / 2)
        {
            var increment = Interlocked.Exchange(ref _receiveUnacknowledged, 0);
            if (increment > 0)
            {
                Interlocked.Add(ref _receiveWindow, increment);
                Writer.Enqueue(OutboundFrame.WindowUpdate(0, increment));
            }
        }
    }

    void IHpackHeaderHandler.OnHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value) =>
        _decodingCall?.OnRequestHeader(name, value, _headerStrings);

    /// <summary>The broker is stopping: GOAWAY now, no new streams, and the connection closes once its calls have answered.</summary>
    private void Drain()
    {
        Writer.Enqueue(OutboundFrame.GoAway(Volatile.Read(ref _lastStreamId), Http2ErrorCode.NoError, "the broker is shutting down"));
        lock (_callsGate)
        {
            _draining = true;
            StopReadingIfDrained();
        }
    }

    /// <summary>
    /// Ends the frame reader of a draining connection without calls. Under the calls' lock, like <see cref="AbortCalls"/>,
    /// so it never touches the input after the connection has completed it.
    /// </summary>
    private void StopReadingIfDrained()
    {
        if (_draining && !_closed && _calls.Count == 0)
        {
            _connection.Transport.Input.CancelPendingRead();
        }
    }

    private async Task ReadFramesAsync()
    {
        var input = _connection.Transport.Input;
        var prefaceRead = false;
        var settingsReceived = false;
        while (true)
        {
            var result = await input.ReadAsync().ConfigureAwait(false);
            if (result.IsCanceled)
            {
                return;
            }

            var buffer = result.Buffer;
            try
            {
                if (!prefaceRead && !(prefaceRead = TryReadPreface(ref buffer, result.IsCompleted)))
                {
                    continue;
                }

                while (Http2Frames.TryReadFrame(ref buffer, Http2Frames.DefaultMaxFrameSize, out var header, out var payload))
                {
                    if (!settingsReceived && (header.Type != Http2FrameType.Settings || header.HasFlag(Http2FrameFlags.Ack)))
                    {
                        throw new Http2ProtocolException(Http2ErrorCode.ProtocolError, "the client's first frame was not SETTINGS");
                    }

                    settingsReceived = true;
                    OnFrame(header, payload);
                }

                if (Writer.PendingReplies > MaxPendingReplies)
                {
                    throw new Http2ProtocolException(Http2ErrorCode.EnhanceYourCalm, "the client sends PING, SETTINGS or resets faster than it reads the replies");
                }
            }
            finally
            {
                input.AdvanceTo(buffer.Start, buffer.End);
            }

            if (result.IsCompleted)
            {
                return;
            }
        }
    }

    /// <summary>Takes the client preface off <paramref name="buffer"/>; false while more bytes are needed.</summary>
    private static bool TryReadPreface(ref ReadOnlySequence<byte> buffer, bool completed)
    {
        var preface = Http2Frames.ClientPreface;
        Span<byte> start = stackalloc byte[preface.Length];
        var available = (int)Math.Min(buffer.Length, preface.Length);
        buffer.Slice(0, available).CopyTo(start);
        if (!start[..available].SequenceEqual(preface[..available]))
        {
            throw new Http2ProtocolException(Http2ErrorCode.ProtocolError, "the connection did not open with the HTTP/2 client preface (is the client speaking gRPC over HTTP/2?)");
        }

        if (available < preface.Length)
        {
            return completed
                ? throw new Http2ProtocolException(Http2ErrorCode.ProtocolError, "the connection closed inside the HTTP/2 client preface")
                : false;
        }

        buffer = buffer.Slice(preface.Length);
        return true;
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
            case Http2FrameType.Priority:
                RequireStream(header);
                if (header.Length != 5)
                {
                    Writer.Enqueue(OutboundFrame.RstStream(header.StreamId, Http2ErrorCode.FrameSizeError));
                }

                break;
            case Http2FrameType.RstStream:
                OnRstStream(header, payload);
                break;
            case Http2FrameType.Settings:
                OnSettings(header, payload);
                break;
            case Http2FrameType.Ping:
                RequireConnection(header);
                var opaqueData = Http2Frames.ReadPing(payload);
                if (!header.HasFlag(Http2FrameFlags.Ack))
                {
                    Writer.EnqueuePingAck(opaqueData);
                }

                break;
            case Http2FrameType.GoAway:
                RequireConnection(header);
                break;
            case Http2FrameType.WindowUpdate:
                OnWindowUpdate(header, payload);
                break;
            case Http2FrameType.PushPromise:
                throw new Http2ProtocolException(Http2ErrorCode.ProtocolError, "a client must not send PUSH_PROMISE");
            default:
                // Unknown frame types are ignored (RFC 9113, section 4.1).
                break;
        }
    }

    private void OnData(in Http2FrameHeader header, ReadOnlySequence<byte> payload)
    {
        RequireStream(header);
        if (Interlocked.Add(ref _receiveWindow, -header.Length) < 0)
        {
            throw new Http2ProtocolException(Http2ErrorCode.FlowControlError, "the client sent more DATA than the connection's window allows");
        }

        var content = Http2Frames.ContentOf(header, payload);
        if (Find(header.StreamId) is not { } call)
        {
            RequireKnownStream(header);

            // A stream already answered or reset: its bytes are dropped, and given back to the connection's window.
            Credit(header.Length);
            return;
        }

        if (call.OnData(content, header.Length, header.HasFlag(Http2FrameFlags.EndStream)) is { } error)
        {
            Reset(call, error);
        }
    }

    private void OnHeaders(in Http2FrameHeader header, ReadOnlySequence<byte> payload)
    {
        RequireStream(header);
        if (_headerBlocks.TryCompleteHeaders(header, payload, out var block))
        {
            OnHeaderBlock(header.StreamId, block, header.HasFlag(Http2FrameFlags.EndStream));
        }
    }

    private void OnContinuation(in Http2FrameHeader header, ReadOnlySequence<byte> payload)
    {
        if (_headerBlocks.TryCompleteContinuation(header, payload, out var block, out var streamId, out var endStream))
        {
            OnHeaderBlock(streamId, block, endStream);
        }
    }

    private void OnHeaderBlock(int streamId, ReadOnlySequence<byte> block, bool endStream)
    {
        if (streamId <= _lastStreamId)
        {
            // Request trailers, or a block of a stream already closed: decoded all the same, to keep HPACK in step.
            _decoder.Decode(block, this);
            if (Find(streamId) is { } open)
            {
                if (endStream)
                {
                    open.OnRequestEnded();
                }
                else
                {
                    Reset(open, Http2ErrorCode.ProtocolError);
                }
            }

            return;
        }

        Volatile.Write(ref _lastStreamId, streamId);
        var call = new NativeServerCallContext(this, streamId, _peerSettings.InitialWindowSize, Options.StreamReceiveWindow);
        bool refused;
        lock (_callsGate)
        {
            refused = _draining || _calls.Count >= Options.MaxConcurrentStreams;
            if (!refused)
            {
                _calls.Add(streamId, call);
            }
        }

        _decodingCall = refused ? null : call;
        try
        {
            _decoder.Decode(block, this);
        }
        finally
        {
            _decodingCall = null;
        }

        if (refused)
        {
            Writer.Enqueue(OutboundFrame.RstStream(streamId, Http2ErrorCode.RefusedStream));
            return;
        }

        call.OnHeadersComplete(endStream);
    }

    private void OnRstStream(in Http2FrameHeader header, ReadOnlySequence<byte> payload)
    {
        RequireStream(header);
        Http2Frames.ReadRstStream(payload);
        RequireKnownStream(header);
        if (Find(header.StreamId) is { } call)
        {
            call.Abort();
            OnCallCompleted(call);
        }
    }

    private void OnSettings(in Http2FrameHeader header, ReadOnlySequence<byte> payload)
    {
        RequireConnection(header);
        if (header.HasFlag(Http2FrameFlags.Ack))
        {
            if (header.Length != 0)
            {
                throw new Http2ProtocolException(Http2ErrorCode.FrameSizeError, "a SETTINGS acknowledgement must be empty");
            }

            return;
        }

        var delta = _peerSettings.Apply(payload);
        Writer.PeerMaxFrameSize = _peerSettings.MaxFrameSize;
        if (delta != 0)
        {
            lock (_callsGate)
            {
                foreach (var call in _calls.Values)
                {
                    call.SendWindow.Add(delta);
                }
            }
        }

        Writer.EnqueueSettingsAck();
    }

    private void OnWindowUpdate(in Http2FrameHeader header, ReadOnlySequence<byte> payload)
    {
        var increment = Http2Frames.ReadWindowUpdate(payload);
        if (header.StreamId == 0)
        {
            if (increment == 0)
            {
                throw new Http2ProtocolException(Http2ErrorCode.ProtocolError, "a connection WINDOW_UPDATE of 0");
            }

            SendWindow.Add(increment);
            return;
        }

        RequireKnownStream(header);
        if (Find(header.StreamId) is not { } call)
        {
            return;
        }

        if (increment == 0)
        {
            Reset(call, Http2ErrorCode.ProtocolError);
            return;
        }

        try
        {
            call.SendWindow.Add(increment);
        }
        catch (Http2ProtocolException)
        {
            Reset(call, Http2ErrorCode.FlowControlError);
        }
    }

    /// <summary>Ends one stream with RST_STREAM (a stream error); the connection goes on.</summary>
    private void Reset(NativeServerCallContext call, Http2ErrorCode errorCode)
    {
        Writer.Enqueue(OutboundFrame.RstStream(call.StreamId, errorCode));
        call.Abort();
        OnCallCompleted(call);
    }

    private NativeServerCallContext? Find(int streamId)
    {
        lock (_callsGate)
        {
            return _calls.GetValueOrDefault(streamId);
        }
    }

    private void AbortCalls()
    {
        NativeServerCallContext[] calls;
        lock (_callsGate)
        {
            calls = [.. _calls.Values];
            _closed = true;
        }

        var gone = new OperationCanceledException("the connection closed");
        SendWindow.Abort(gone);
        foreach (var call in calls)
        {
            call.Abort();
        }
    }

    private static void RequireConnection(in Http2FrameHeader header)
    {
        if (header.StreamId != 0)
        {
            throw new Http2ProtocolException(Http2ErrorCode.ProtocolError, $"a {header.Type} frame must be on stream 0, not {header.StreamId}");
        }
    }

    private static void RequireStream(in Http2FrameHeader header)
    {
        if (header.StreamId == 0 || (header.StreamId & 1) == 0)
        {
            throw new Http2ProtocolException(Http2ErrorCode.ProtocolError, $"a {header.Type} frame on stream {header.StreamId}, which a client cannot open");
        }
    }

    /// <summary>Frames other than HEADERS on a stream the client never opened are a connection error (RFC 9113, section 5.1).</summary>
    private void RequireKnownStream(in Http2FrameHeader header)
    {
        if (header.StreamId > _lastStreamId)
        {
            throw new Http2ProtocolException(Http2ErrorCode.ProtocolError, $"a {header.Type} frame on stream {header.StreamId}, which is idle");
        }
    }

    private static string PeerOf(EndPoint? endPoint) => endPoint switch
    {
        IPEndPoint { AddressFamily: AddressFamily.InterNetwork } ip => string.Create(CultureInfo.InvariantCulture, $"ipv4:{ip.Address}:{ip.Port}"),
        IPEndPoint { AddressFamily: AddressFamily.InterNetworkV6 } ip => string.Create(CultureInfo.InvariantCulture, $"ipv6:[{ip.Address}]:{ip.Port}"),
        null => "unknown",
        _ => endPoint.ToString() ?? "unknown",
    };

    [LoggerMessage(Level = LogLevel.Debug, Message = "Closed the gRPC connection of {Peer}: {ErrorCode} {Reason}")]
    private partial void LogProtocolError(string peer, Http2ErrorCode errorCode, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "The handler of {Method} failed for {Peer}")]
    private partial void LogHandlerFailed(Exception error, string method, string peer);
}
