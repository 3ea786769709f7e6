using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Text;
using Grpc.Core;
using RocketTax.RocketMQ.Http2;

namespace RocketTax.RocketMQ.Client.Transport;

/// <summary>
/// The HTTP/2 stream of one gRPC call: what it sends under flow control, the response headers, the messages
/// assembled from DATA frames (credited back to the server as the reader takes them), and the final status.
/// The connection's read loop feeds it; the call's awaiters read it.
/// </summary>
internal sealed class GrpcStream
{
    private const int CreditThreshold = Http2Frames.DefaultInitialWindowSize / 2;

    private readonly Lock _lock = new();
    private readonly Queue<ReceivedMessage> _messages = new();
    private readonly CancellationTokenRegistration _cancellation;
    private Http2Connection? _connection;
    private Http2SendWindow? _sendWindow;
    private TaskCompletionSource? _messageWaiter;
    private TaskCompletionSource? _finishWaiter;
    private TaskCompletionSource<Metadata>? _headersWaiter;
    private ReceivedHeaders? _headers;
    private ReceivedHeaders? _received;
    private ReceivedHeaders? _trailers;
    private bool _headersAvailable;
    private Status _status;
    private volatile bool _finished;
    private bool _headersReceived;
    private bool _localClosed;
    private int _httpStatus;
    private string? _contentType;
    private bool _isGrpcContentType;
    private int? _grpcStatus;
    private string? _grpcMessage;
    private GrpcMessageAssembler _assembler;
    private int _uncredited;
    private int _receiveWindow = Http2Frames.DefaultInitialWindowSize;

    public GrpcStream(CallOptions options, int maxReceiveMessageSize)
    {
        _assembler = new GrpcMessageAssembler(maxReceiveMessageSize);
        Headers = options.Headers;
        CancellationToken = options.CancellationToken;
        if (options.Deadline is { } deadline && deadline != DateTime.MaxValue)
        {
            var remaining = deadline.ToUniversalTime() - DateTime.UtcNow;
            Timeout = remaining;
            DeadlineTick = Environment.TickCount64 + (long)Math.Ceiling(Math.Max(remaining.TotalMilliseconds, 0));
            if (remaining <= TimeSpan.Zero)
            {
                Cancel(StatusCode.DeadlineExceeded, "The deadline passed before the call started.");
            }
        }

        if (CancellationToken.IsCancellationRequested)
        {
            Cancel(StatusCode.Cancelled, "The call was cancelled before it started.");
        }
        else if (CancellationToken.CanBeCanceled)
        {
            _cancellation = CancellationToken.UnsafeRegister(static s => ((GrpcStream)s!).Cancel(StatusCode.Cancelled, "The call was cancelled."), this);
        }
    }

    /// <summary>For the call objects' state-taking constructors: no delegate per call.</summary>
    public static readonly Func<object, Task<Metadata>> ResponseHeadersOf = s => ((GrpcStream)s).ResponseHeadersAsync();
    public static readonly Func<object, Status> StatusOf = s => ((GrpcStream)s).GetStatus();
    public static readonly Func<object, Metadata> TrailersOf = s => ((GrpcStream)s).GetTrailers();
    public static readonly Action<object> DisposeOf = s => ((GrpcStream)s).Cancel(StatusCode.Cancelled, "The call was disposed before it completed.");

    /// <summary>The client's headers of this call.</summary>
    public Metadata? Headers { get; }

    public CancellationToken CancellationToken { get; }

    /// <summary>What was left of the deadline when the call started; null without one.</summary>
    public TimeSpan? Timeout { get; }

    /// <summary>The deadline on <see cref="Environment.TickCount64"/>; <see cref="long.MaxValue"/> without one.</summary>
    public long DeadlineTick { get; } = long.MaxValue;

    /// <summary>The stream id, 0 until the HEADERS went out.</summary>
    public int Id { get; private set; }

    public Http2SendWindow? SendWindow => _sendWindow;

    /// <summary>The connection carrying the stream, null until it is open.</summary>
    public Http2Connection? Connection => Volatile.Read(ref _connection);

    public bool IsFinished => _finished;

    /// <summary>Binds the call to its stream on a connection; false if it already ended (cancelled while connecting).</summary>
    public bool Attach(Http2Connection connection, int id, int sendWindow)
    {
        lock (_lock)
        {
            if (_finished)
            {
                return false;
            }

            _connection = connection;
            _sendWindow = new Http2SendWindow(sendWindow);
            Id = id;
            return true;
        }
    }

    /// <summary>Marks the request side ended under the connection's writer lock; false if the call already ended.</summary>
    public bool TryCloseLocal(bool endStream)
    {
        lock (_lock)
        {
            if (_finished || _localClosed)
            {
                return false;
            }

            _localClosed = endStream;
            return true;
        }
    }

    /// <summary>
    /// Sends one framed message (or, empty, just the end of the request) in DATA frames as the stream's and the
    /// connection's send windows allow. False when the call ended first; its status says why.
    /// </summary>
    public async ValueTask<bool> SendAsync(ReadOnlyMemory<byte> framed, bool endStream, CancellationToken cancellationToken)
    {
        var connection = _connection!;
        var window = _sendWindow!;
        var offset = 0;
        try
        {
            do
            {
                var size = Math.Min(framed.Length - offset, connection.PeerMaxFrameSize);
                if (size > 0)
                {
                    var fromStream = await window.TakeAsync(size, cancellationToken).ConfigureAwait(false);
                    size = await connection.SendWindow.TakeAsync(fromStream, cancellationToken).ConfigureAwait(false);
                    if (size < fromStream)
                    {
                        window.Add(fromStream - size);
                    }
                }

                var last = endStream && offset + size == framed.Length;
                if (!connection.WriteData(this, framed.Span.Slice(offset, size), last))
                {
                    connection.SendWindow.Add(size);
                    return false;
                }

                offset += size;
            }
            while (offset < framed.Length);

            return true;
        }
        catch (RpcException) when (IsFinished)
        {
            return false;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Part of a message may be out: the stream cannot carry another one.
            Cancel(StatusCode.Cancelled, "The write was cancelled.");
            return false;
        }
    }

    /// <summary>The read loop starts a header block of this stream.</summary>
    public void OnHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        if (name.Length > 0 && name[0] == ':')
        {
            if (name.SequenceEqual(":status"u8) && Utf8Parser.TryParse(value, out int status, out _))
            {
                _httpStatus = status;
            }

            return;
        }

        if (name.SequenceEqual("grpc-status"u8))
        {
            _grpcStatus = Utf8Parser.TryParse(value, out int code, out _) ? code : (int)StatusCode.Unknown;
        }
        else if (name.SequenceEqual("grpc-message"u8))
        {
            _grpcMessage = GrpcStatusMapping.DecodeMessage(value);
        }
        else if (!_headersReceived && name.SequenceEqual("content-type"u8))
        {
            // application/grpc, application/grpc+proto, ...: the string is kept only to name a wrong one.
            _isGrpcContentType = value.StartsWith("application/grpc"u8);
            _contentType = _isGrpcContentType ? null : Encoding.ASCII.GetString(value);
        }
        else
        {
            (_received ??= new ReceivedHeaders()).Add(name, value);
        }
    }

    /// <summary>The read loop ended a header block: the response headers, a trailers-only response, or the trailers.</summary>
    public void OnHeadersEnd(bool endStream)
    {
        var received = _received;
        _received = null;
        if (_headersReceived)
        {
            Finish(endStream ? StatusFromTrailers() : new Status(StatusCode.Internal, "The server sent a second header block that does not end the stream."),
                received, endStream ? Ending.ServerEnded : Ending.Reset, keepMessages: endStream);
            return;
        }

        _headersReceived = true;
        if (_httpStatus != 200)
        {
            Finish(GrpcStatusMapping.FromHttpStatus(_httpStatus), received, endStream ? Ending.ServerEnded : Ending.Reset, keepMessages: false);
        }
        else if (!_isGrpcContentType)
        {
            Finish(new Status(StatusCode.Internal, $"Bad gRPC response: content-type '{_contentType}' is not application/grpc; is this endpoint a gRPC port?"),
                received, endStream ? Ending.ServerEnded : Ending.Reset, keepMessages: false);
        }
        else if (endStream)
        {
            Finish(StatusFromTrailers(), received, Ending.ServerEnded, keepMessages: false, trailersOnly: true);
        }
        else
        {
            TaskCompletionSource<Metadata>? waiter;
            lock (_lock)
            {
                _headers = received;
                _headersAvailable = true;
                waiter = _headersWaiter;
            }

            waiter?.TrySetResult(ReceivedHeaders.ToMetadata(received));
        }
    }

    /// <summary>
    /// The read loop received DATA: assembles messages. Returns how much stream window to give back now: all of it
    /// while the reader keeps up, nothing while whole messages wait for it (so a slow reader holds at most a window).
    /// </summary>
    public int OnData(ReadOnlySequence<byte> content, int flowControlled, bool endStream)
    {
        Status? error = null;
        var credit = 0;
        TaskCompletionSource? waiter = null;
        lock (_lock)
        {
            if (_finished)
            {
                return 0;
            }

            _receiveWindow -= flowControlled;
            if (_receiveWindow < 0)
            {
                error = new Status(StatusCode.Internal, "The server sent more DATA than the stream's flow-control window allows.");
            }
            else if (!_headersReceived)
            {
                error = new Status(StatusCode.Internal, "The server sent DATA before the response headers.");
            }
            else
            {
                foreach (var segment in content)
                {
                    error ??= _assembler.Append(segment.Span, _messages);
                }
            }

            _uncredited += flowControlled;
            if (_messages.Count > 0)
            {
                waiter = _messageWaiter;
                _messageWaiter = null;
            }
            else if (_uncredited >= CreditThreshold && !endStream)
            {
                credit = _uncredited;
                _uncredited = 0;
                _receiveWindow += credit;
            }
        }

        waiter?.TrySetResult();
        if (error is { } failed)
        {
            Finish(failed, null, Ending.Reset, keepMessages: false);
        }
        else if (endStream)
        {
            Finish(new Status(StatusCode.Internal, "The response ended without trailers (no grpc-status)."), null, Ending.ServerEnded, keepMessages: true);
        }

        return credit;
    }

    /// <summary>Takes the next whole message; <paramref name="credit"/> is the stream window to give back.</summary>
    public bool TryTakeMessage(out ReceivedMessage message, out int credit)
    {
        credit = 0;
        lock (_lock)
        {
            if (!_messages.TryDequeue(out message))
            {
                return false;
            }

            if (_messages.Count == 0 && _uncredited >= CreditThreshold && !_finished)
            {
                credit = _uncredited;
                _uncredited = 0;
                _receiveWindow += credit;
            }

            return true;
        }
    }

    /// <summary>Completes when a message is waiting or the call ended.</summary>
    public Task WaitForMessageAsync()
    {
        lock (_lock)
        {
            if (_messages.Count > 0 || _finished)
            {
                return Task.CompletedTask;
            }

            return (_messageWaiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }
    }

    /// <summary>Completes when the call ended (status known).</summary>
    public Task WaitForFinishAsync()
    {
        lock (_lock)
        {
            return _finished
                ? Task.CompletedTask
                : (_finishWaiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }
    }

    /// <summary>Throws the call's failure, if it failed.</summary>
    public void ThrowIfFailed()
    {
        var status = GetStatus();
        if (status.StatusCode != StatusCode.OK)
        {
            throw new RpcException(status, ReceivedHeaders.ToMetadata(_trailers));
        }
    }

    /// <summary>The exception a write to an ended call throws.</summary>
    public Exception WriteFailure() => GetStatus() is { StatusCode: StatusCode.OK }
        ? new InvalidOperationException("Can't write the message because the call is complete.")
        : new RpcException(GetStatus(), ReceivedHeaders.ToMetadata(_trailers));

    /// <summary>Ends the call from this side: cancellation, deadline, disposal. The server's stream is reset.</summary>
    public void Cancel(StatusCode code, string detail) => Finish(new Status(code, detail), null, Ending.Reset, keepMessages: false);

    /// <summary>How a call ended, which decides whether the server must hear RST_STREAM.</summary>
    public enum Ending
    {
        /// <summary>This side gives up (cancellation, deadline, a bad answer): the stream is reset.</summary>
        Reset,

        /// <summary>The server ended its side (END_STREAM): reset only if the request side is still open.</summary>
        ServerEnded,

        /// <summary>Nothing left to tell: the server reset the stream, or the connection is gone.</summary>
        Gone,
    }

    /// <summary>Ends the call with a status; the first ending wins.</summary>
    public void Finish(Status status, ReceivedHeaders? trailers, Ending ending, bool keepMessages, bool trailersOnly = false)
    {
        TaskCompletionSource? messageWaiter, finishWaiter;
        TaskCompletionSource<Metadata>? headersWaiter;
        Http2Connection? connection;
        bool wasOpen;
        lock (_lock)
        {
            if (_finished)
            {
                return;
            }

            _trailers = trailers;
            if (trailersOnly)
            {
                // A trailers-only answer is the call's headers too.
                _headers = trailers;
                _headersAvailable = true;
            }
            _status = status;
            _finished = true;
            wasOpen = !_localClosed;
            _localClosed = true;
            _assembler.Reset();

            if (!keepMessages)
            {
                ReleaseMessages();
            }

            messageWaiter = _messageWaiter;
            finishWaiter = _finishWaiter;
            headersWaiter = _headersWaiter;
            connection = _connection;
        }

        _cancellation.Unregister();
        if (wasOpen)
        {
            // A writer may be waiting for window; once the request ended, nobody is, and an OK call costs no exception.
            _sendWindow?.Abort(new RpcException(status));
        }

        connection?.OnStreamFinished(this, ending == Ending.Reset || (ending == Ending.ServerEnded && wasOpen));
        messageWaiter?.TrySetResult();
        finishWaiter?.TrySetResult();
        if (headersWaiter is not null)
        {
            CompleteHeaders(headersWaiter);
        }
    }

    /// <summary>Gives back the buffers of messages nobody will read (a disposed streaming call).</summary>
    public void ReleaseMessages()
    {
        lock (_lock)
        {
            while (_messages.TryDequeue(out var message))
            {
                message.Return();
            }
        }
    }

    private Task<Metadata> ResponseHeadersAsync()
    {
        lock (_lock)
        {
            if (_headersAvailable)
            {
                return Task.FromResult(ReceivedHeaders.ToMetadata(_headers));
            }

            if (!_finished)
            {
                return (_headersWaiter ??= new TaskCompletionSource<Metadata>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
            }
        }

        var completed = new TaskCompletionSource<Metadata>();
        CompleteHeaders(completed);
        return completed.Task;
    }

    private void CompleteHeaders(TaskCompletionSource<Metadata> waiter)
    {
        var status = GetStatus();
        if (_headersAvailable || status.StatusCode == StatusCode.OK)
        {
            waiter.TrySetResult(ReceivedHeaders.ToMetadata(_headers));
        }
        else
        {
            waiter.TrySetException(new RpcException(status, ReceivedHeaders.ToMetadata(_trailers)));
        }
    }

    private Status GetStatus() =>
        _finished ? _status : throw new InvalidOperationException("Unable to get the status because the call is not complete.");

    private Metadata GetTrailers() =>
        !_finished
            ? throw new InvalidOperationException("Can't get the call trailers because the call has not completed successfully.")
            : ReceivedHeaders.ToMetadata(_trailers);

    private Status StatusFromTrailers() => _grpcStatus is { } code
        ? new Status((StatusCode)code, _grpcMessage ?? string.Empty)
        : new Status(StatusCode.Internal, "The response trailers carry no grpc-status.");
}
