using System.Buffers;
using System.Text;
using Grpc.Core;
using RocketTax.RocketMQ.Http2;
using RocketTax.RocketMQ.Protocol.Framing;

namespace RocketTax.RocketMQ.Broker.Grpc.Transport;

/// <summary>
/// One gRPC call on one HTTP/2 stream of a <see cref="NativeGrpcConnection"/>: the request as it arrives (headers,
/// message bytes, flow-control credit), the <see cref="ServerCallContext"/> its handler sees, and its response
/// (DATA when the client's windows allow, then the status as trailers). The frame reader feeds it; the handler
/// runs on the thread pool, queued as this work item once the request is complete (or, for a streaming request,
/// once its headers are in).
/// </summary>
public sealed class NativeServerCallContext : ServerCallContext, IThreadPoolWorkItem
{
    // The longest delay a timer takes (about 49 days); a deadline further off is as good as none.
    private static readonly TimeSpan MaxTimerDelay = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    private readonly NativeGrpcConnection _connection;
    private readonly NativeRequestBody _request;

    private NativeMethod? _method;
    private string? _unknownPath;
    private string _host = string.Empty;
    private DateTime _deadline = DateTime.MaxValue;
    private Status _status = Status.DefaultSuccess;
    private Metadata? _responseTrailers;
    private Metadata? _requestMetadata;
    private AuthContext? _authContext;
    private CancellationTokenSource? _cancellation;
    private int _reset;

    private bool _dispatched;
    private Status? _requestError;
    private int _receiveWindow;
    private int _receiveUnacknowledged;

    private bool _responseStarted;
    private bool _responseBroken;
    private GrpcMessageWriter? _messageWriter;
    private GrpcMessageReader? _messageReader;

    internal NativeServerCallContext(NativeGrpcConnection connection, int streamId, int sendWindow, int receiveWindow)
    {
        _connection = connection;
        StreamId = streamId;
        SendWindow = new Http2SendWindow(sendWindow);
        _receiveWindow = receiveWindow;
        _request = new NativeRequestBody(connection.Options.MaxReceiveMessageSize);
    }

    /// <summary>The request's header fields other than pseudo-headers, <c>te</c>, <c>content-type</c> and <c>grpc-timeout</c>.</summary>
    public NativeRequestHeaders Headers { get; } = new();

    internal int StreamId { get; }

    /// <summary>What the client lets this stream's responses send.</summary>
    internal Http2SendWindow SendWindow { get; }

    /// <summary>True once the client reset the stream or the connection was lost: nothing more is sent on it.</summary>
    internal bool IsReset => Volatile.Read(ref _reset) != 0;

    /// <summary>The trailers a handler added, or null when it added none.</summary>
    internal Metadata? ResponseTrailersIfAny => _responseTrailers is { Count: > 0 } trailers ? trailers : null;

    protected override string MethodCore => _method?.FullName ?? _unknownPath ?? string.Empty;

    protected override string HostCore => _host;

    protected override string PeerCore => _connection.Peer;

    protected override DateTime DeadlineCore => _deadline;

    protected override Metadata RequestHeadersCore => _requestMetadata ??= Headers.ToMetadata();

    protected override CancellationToken CancellationTokenCore => (Volatile.Read(ref _cancellation) ?? CreateCancellation()).Token;

    protected override Metadata ResponseTrailersCore => _responseTrailers ??= [];

    protected override Status StatusCore
    {
        get => _status;
        set => _status = value;
    }

    protected override WriteOptions? WriteOptionsCore { get; set; }

    protected override AuthContext AuthContextCore => _authContext ??= new AuthContext(null, []);

    protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) =>
        throw new NotSupportedException("The broker's gRPC calls do not start child calls from a server call context.");

    protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) =>
        throw new NotSupportedException("The broker's handlers send no custom response headers; the transport sends :status and content-type with the first message.");

    /// <summary>One header field of the request, as the HPACK decoder hands it over (on the frame reader).</summary>
    internal void OnRequestHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value, HeaderStringCache strings)
    {
        if (name.IsEmpty)
        {
            return;
        }

        if (name[0] == (byte)':')
        {
            if (name.SequenceEqual(":path"u8))
            {
                _method = _connection.FindMethod(value);
                _unknownPath = _method is null ? Encoding.UTF8.GetString(value) : null;
            }
            else if (name.SequenceEqual(":authority"u8))
            {
                _host = strings.Get(name, value).Value;
            }

            return;
        }

        if (name.SequenceEqual("grpc-timeout"u8))
        {
            if (GrpcTimeout.TryParse(value, DateTime.UtcNow, out var deadline))
            {
                _deadline = deadline;
            }

            return;
        }

        if (name.SequenceEqual("te"u8) || name.SequenceEqual("content-type"u8))
        {
            return;
        }

        var (headerName, headerValue) = strings.Get(name, value);
        Headers.Add(headerName, headerValue);
    }

    /// <summary>The request's headers are in: a call with a streaming request, or none to read, starts now.</summary>
    internal void OnHeadersComplete(bool endStream)
    {
        if (endStream)
        {
            OnRequestEnded();
        }
        else if (_method is null || !_method.HasSingleRequest)
        {
            Dispatch();
        }
    }

    /// <summary>
    /// A DATA frame of this stream (<paramref name="frameLength"/> counts its padding, which the client's window paid
    /// for too). An error code when the frame broke the stream's rules: the caller resets the stream with it.
    /// </summary>
    internal Http2ErrorCode? OnData(ReadOnlySequence<byte> content, int frameLength, bool endStream)
    {
        if (_request.IsEnded)
        {
            return Http2ErrorCode.StreamClosed;
        }

        if (Interlocked.Add(ref _receiveWindow, -frameLength) < 0)
        {
            return Http2ErrorCode.FlowControlError;
        }

        // Padding is consumed as it arrives.
        Credit(frameLength - (int)content.Length);
        if (_method is null || _method.HasSingleRequest)
        {
            AppendSingleRequest(content);
        }
        else
        {
            _request.AppendStreamed(content);
        }

        if (endStream)
        {
            OnRequestEnded();
        }

        return null;
    }

    internal void OnRequestEnded()
    {
        _request.End();
        if (_method is null)
        {
            Dispatch();
        }
        else if (_method.HasSingleRequest)
        {
            _requestError ??= _request.CheckSingleComplete();
            Dispatch();
        }
    }

    /// <summary>The client reset the stream, or the connection is gone: the handler's token fires and nothing more is sent.</summary>
    internal void Abort()
    {
        if (Interlocked.Exchange(ref _reset, 1) != 0)
        {
            return;
        }

        // Cancelling runs the token's callbacks; not on the frame reader, which serves every stream of the connection.
        if (Volatile.Read(ref _cancellation) is { } cancellation)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static c => c.Cancel(), cancellation, preferLocal: false);
        }

        SendWindow.Abort(new OperationCanceledException("the client reset the stream or the connection closed"));
        _request.Wake();
    }

    /// <summary>The single request message of a unary or server-streaming call.</summary>
    internal T ReadSingleRequest<T>(Marshaller<T> marshaller) =>
        (_messageReader ??= new()).Read(marshaller, _request.SingleMessage);

    /// <summary>The next message of a streaming request; none once the client ended its side.</summary>
    internal async ValueTask<NextRequest<T>?> ReadNextRequestAsync<T>(Marshaller<T> marshaller, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (IsReset)
            {
                throw new OperationCanceledException("the client reset the stream or the connection closed");
            }

            var (message, consumed, arrived) = _request.TakeMessage();
            if (message is not null)
            {
                Credit(consumed);
                return new NextRequest<T>((_messageReader ??= new()).Read(marshaller, message));
            }

            if (arrived is null)
            {
                return null;
            }

            await arrived.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Sends <paramref name="message"/> in DATA frames as the stream's and the connection's send windows allow, the
    /// response HEADERS before the first. Completes when the frames are queued for the writer, not when written.
    /// </summary>
    internal async ValueTask WriteMessageAsync<T>(T message, Marshaller<T> marshaller, CancellationToken cancellationToken = default)
    {
        if (IsReset)
        {
            throw new OperationCanceledException("the client reset the stream or the connection closed");
        }

        var (buffer, length) = (_messageWriter ??= new()).Write(message, marshaller);
        var token = cancellationToken.CanBeCanceled ? cancellationToken : CancellationToken;
        var withHeaders = !_responseStarted;
        var offset = 0;
        try
        {
            while (offset < length)
            {
                var stream = await SendWindow.TakeAsync(Math.Min(length - offset, _connection.Writer.PeerMaxFrameSize), token).ConfigureAwait(false);
                int taken;
                try
                {
                    taken = await _connection.SendWindow.TakeAsync(stream, token).ConfigureAwait(false);
                }
                catch
                {
                    SendWindow.Add(stream);
                    throw;
                }

                if (taken < stream)
                {
                    SendWindow.Add(stream - taken);
                }

                var last = offset + taken == length;
                if (!_connection.Writer.Enqueue(OutboundFrame.Data(this, buffer, offset, taken, withHeaders, returnsBuffer: last)))
                {
                    throw new OperationCanceledException("the connection closed");
                }

                _responseStarted = true;
                withHeaders = false;
                offset += taken;
            }
        }
        catch
        {
            // A message cut short can only end with RST_STREAM; one not started leaves the stream as it was.
            _responseBroken |= offset > 0;
            if (offset == 0)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            throw;
        }
    }

    void IThreadPoolWorkItem.Execute() => _ = RunAsync();

    private async Task RunAsync()
    {
        try
        {
            if (_requestError is { } error)
            {
                _status = error;
            }
            else if (_method is null)
            {
                _status = new Status(StatusCode.Unimplemented, $"method '{_unknownPath}' is not served by this broker");
            }
            else
            {
                await _method.RunAsync(this).ConfigureAwait(false);
            }
        }
        catch (RpcException ex)
        {
            _status = ex.Status;
            foreach (var entry in ex.Trailers)
            {
                ResponseTrailers.Add(entry);
            }
        }
        catch (OperationCanceledException) when (IsReset || DateTime.UtcNow >= _deadline)
        {
            _status = IsReset ? new Status(StatusCode.Cancelled, "the call was cancelled") : new Status(StatusCode.DeadlineExceeded, "the deadline passed");
        }
        catch (Exception ex)
        {
            _connection.OnHandlerFailed(MethodCore, ex);
            // The exception stays in the broker's log: its text may name internals a client has no business seeing.
            _status = new Status(StatusCode.Internal, $"the broker failed to handle {MethodCore}; its log has the error");
        }
        finally
        {
            Complete();
        }
    }

    private void Complete()
    {
        if (!IsReset)
        {
            if (_responseBroken)
            {
                _connection.Writer.Enqueue(OutboundFrame.RstStream(StreamId, Http2ErrorCode.InternalError));
            }
            else
            {
                _connection.Writer.Enqueue(OutboundFrame.Trailers(this, withHeaders: !_responseStarted));
                if (!_request.IsEnded)
                {
                    // The answer is complete; the rest of the request is not needed (RFC 9113, section 8.1).
                    _connection.Writer.Enqueue(OutboundFrame.RstStream(StreamId, Http2ErrorCode.NoError));
                }
            }
        }

        // A deadline timer still pending would keep this call alive until it fires.
        Volatile.Read(ref _cancellation)?.CancelAfter(Timeout.Infinite);
        _request.Release();
        _connection.OnCallCompleted(this);
    }

    private void Dispatch()
    {
        if (_dispatched)
        {
            return;
        }

        _dispatched = true;
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    private CancellationTokenSource CreateCancellation()
    {
        var created = new CancellationTokenSource();
        var cancellation = Interlocked.CompareExchange(ref _cancellation, created, null) ?? created;
        if (cancellation != created)
        {
            created.Dispose();
            return cancellation;
        }

        if (IsReset)
        {
            created.Cancel();
        }
        else if (_deadline - DateTime.UtcNow is var remaining && remaining < MaxTimerDelay)
        {
            created.CancelAfter(remaining < TimeSpan.Zero ? TimeSpan.Zero : remaining);
        }

        return created;
    }

    /// <summary>
    /// Adds a unary request's bytes: they are consumed as they come (the message must be whole before the handler
    /// runs, and its size was checked against the limit first), so the client's windows reopen at once.
    /// </summary>
    private void AppendSingleRequest(ReadOnlySequence<byte> content)
    {
        Credit((int)content.Length);
        if (_requestError is null && !content.IsEmpty && (_requestError = _request.AppendSingle(content)) is not null)
        {
            Dispatch();
        }
    }

    /// <summary>Gives consumed request bytes back to the client: a WINDOW_UPDATE once half a window is consumed.</summary>
    private void Credit(int bytes)
    {
        if (bytes <= 0)
        {
            return;
        }

        _connection.Credit(bytes);
        var window = _connection.Options.StreamReceiveWindow;
        if (Interlocked.Add(ref _receiveUnacknowledged, bytes) >= window / 2 && !_request.IsEnded)
        {
            var increment = Interlocked.Exchange(ref _receiveUnacknowledged, 0);
            Interlocked.Add(ref _receiveWindow, increment);
            _connection.Writer.Enqueue(OutboundFrame.WindowUpdate(StreamId, increment));
        }
    }
}
