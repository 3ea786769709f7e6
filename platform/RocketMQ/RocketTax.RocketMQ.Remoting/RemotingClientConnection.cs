using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Threading.Channels;

namespace RocketTax.RocketMQ.Remoting;

/// <summary>
/// One TCP connection of a <see cref="RemotingClient"/>: requests go out through one writer (concurrent ones
/// sharing a flush), one reader matches answers to waiting callers by opaque. When the socket breaks every waiting
/// caller fails at once.
/// </summary>
internal sealed class RemotingClientConnection : IAsyncDisposable
{
    /// <summary>
    /// How often waiting callers are checked against their deadlines: a caller times out up to this much late. One
    /// sweep per connection instead of a timer per request, which cost every request a timer's allocation and its
    /// insertion and removal.
    /// </summary>
    private static readonly TimeSpan DeadlineSweep = TimeSpan.FromMilliseconds(100);

    private readonly string _address;
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly PipeWriter _writer;
    // The write loop's own: only it writes frames.
    private readonly RemotingFrameWriter _frames = new();

    // The read loop's own: answers repeat most of their header values (a send's queue id, region, trace switch).
    private readonly HeaderValueStrings _headerStrings = new();
    private readonly Channel<RemotingCommand> _outgoing =
        Channel.CreateUnbounded<RemotingCommand>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<int, PendingRequest> _pending = new();
    private readonly CancellationTokenSource _closing = new();
    private readonly Timer _deadlines;
    private readonly Task _readLoop;
    private readonly Task _writeLoop;

    private RemotingClientConnection(string address, Socket socket)
    {
        _address = address;
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _writer = PipeWriter.Create(_stream, new StreamPipeWriterOptions(leaveOpen: true));
        _deadlines = new Timer(static state => ((RemotingClientConnection)state!).FailOverdue(), this, DeadlineSweep, DeadlineSweep);
        _readLoop = ReadLoopAsync();
        _writeLoop = WriteLoopAsync();
    }

    /// <summary>False once the socket broke; the client then opens a new connection.</summary>
    public bool IsOpen => !_closing.IsCancellationRequested;

    public static async Task<RemotingClientConnection> ConnectAsync(string address, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var colon = address.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(address[(colon + 1)..], out var port))
        {
            throw new RemotingException(address, "not a host:port address");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await socket.ConnectAsync(address[..colon], port, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new RemotingException(address, $"connect timed out after {timeout.TotalMilliseconds:0} ms");
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw new RemotingException(address, $"cannot connect ({ex.SocketErrorCode}); is the process running and the port right?", ex);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new RemotingClientConnection(address, socket);
    }

    public async Task<RemotingCommand> InvokeAsync(RemotingCommand request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var answer = new PendingRequest(request.Code, timeout);
        _pending[request.Opaque] = answer;
        using var cancellation = cancellationToken.UnsafeRegister(static (state, token) => ((PendingRequest)state!).TrySetCanceled(token), answer);
        try
        {
            await SendAsync(request, cancellationToken).ConfigureAwait(false);
            // The reader fails the callers it finds waiting once the connection closed; one that registered after it
            // looked (the request queued just before the writer stopped) fails here instead of at its timeout.
            Interlocked.MemoryBarrier();
            if (_closing.IsCancellationRequested)
            {
                answer.TrySetException(new RemotingException(_address, "the connection closed before the request was answered"));
            }

            return await answer.Task.ConfigureAwait(false);
        }
        finally
        {
            _pending.TryRemove(request.Opaque, out _);
        }
    }

    /// <summary>Queues <paramref name="request"/> for the writer; a broken connection fails its waiting callers.</summary>
    public Task SendAsync(RemotingCommand request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return _outgoing.Writer.TryWrite(request)
            ? Task.CompletedTask
            : Task.FromException(new RemotingException(_address, "the connection is closed"));
    }

    public async ValueTask DisposeAsync()
    {
        await Close().ConfigureAwait(false);
        await _readLoop.ConfigureAwait(false);
        await _writeLoop.ConfigureAwait(false);
        _closing.Dispose();
    }

    /// <summary>
    /// Writes queued requests, as many as are waiting per flush: concurrent callers share one syscall and the server
    /// one wake-up, where a flush per request would cost both sides one each.
    /// </summary>
    private async Task WriteLoopAsync()
    {
        await Task.Yield();
        Exception? broken = null;
        try
        {
            while (await _outgoing.Reader.WaitToReadAsync(_closing.Token).ConfigureAwait(false))
            {
                while (_outgoing.Reader.TryRead(out var request))
                {
                    try
                    {
                        _frames.Write(request, _writer);
                    }
                    catch (RemotingProtocolException ex) when (_pending.TryRemove(request.Opaque, out var waiter))
                    {
                        // Too large to send: that caller fails, nothing of it was written, the others go on.
                        waiter.TrySetException(new RemotingException(_address, ex.Message));
                    }
                }

                await _writer.FlushAsync(_closing.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException or RemotingProtocolException)
        {
            // The reader sees the broken socket too and fails every waiting caller.
            broken = ex;
            await Close().ConfigureAwait(false);
        }
        finally
        {
            // Completed with the failure, the writer drops what it still buffers instead of writing it to a closed socket.
            await _writer.CompleteAsync(broken).ConfigureAwait(false);
        }
    }

    private async Task ReadLoopAsync()
    {
        await Task.Yield();
        var reader = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: RemotingCommandCodec.ReadBufferSize, leaveOpen: true));
        var reason = "the server closed the connection";
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(_closing.Token).ConfigureAwait(false);
                var buffer = result.Buffer;
                while (RemotingCommandCodec.TryRead(ref buffer, out var command, _headerStrings))
                {
                    if (command.IsResponse && _pending.TryRemove(command.Opaque, out var waiter))
                    {
                        waiter.TrySetResult(command);
                    }
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (RemotingProtocolException ex)
        {
            reason = $"the server sent a bad frame: {ex.Message}";
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            reason = "the connection was closed";
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
            await Close().ConfigureAwait(false);
            foreach (var opaque in _pending.Keys)
            {
                if (_pending.TryRemove(opaque, out var waiter))
                {
                    waiter.TrySetException(new RemotingException(_address, reason));
                }
            }
        }
    }

    /// <summary>Fails every caller whose deadline has passed.</summary>
    private void FailOverdue()
    {
        var now = Stopwatch.GetTimestamp();
        foreach (var (opaque, waiter) in _pending)
        {
            if (now >= waiter.Deadline && _pending.TryRemove(opaque, out _))
            {
                waiter.TrySetException(new RemotingException(_address, $"no answer to request code {waiter.Code} within {waiter.Timeout.TotalMilliseconds:0} ms"));
            }
        }
    }

    private async Task Close()
    {
        if (!_closing.IsCancellationRequested)
        {
            // The reader fails whoever still waits; a closed connection needs no sweep (and a running timer would keep it alive).
            await _deadlines.DisposeAsync().ConfigureAwait(false);
            await _closing.CancelAsync().ConfigureAwait(false);
            _outgoing.Writer.TryComplete();
            _socket.Dispose();
        }
    }

    /// <summary>
    /// A caller waiting for its answer, and when it stops waiting (<see cref="Stopwatch"/> ticks). Not
    /// <see cref="Environment.TickCount64"/>: it advances in 4 ms steps here, so read just before a step it lags by
    /// up to 4 ms, a deadline counted from it came that much early, and a 300 ms timeout failed after 299 ms.
    /// </summary>
    private sealed class PendingRequest(int code, TimeSpan timeout)
        : TaskCompletionSource<RemotingCommand>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public int Code => code;

        public TimeSpan Timeout => timeout;

        public long Deadline { get; } = timeout == System.Threading.Timeout.InfiniteTimeSpan || timeout >= TimeSpan.FromDays(365)
            ? long.MaxValue
            : Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
    }
}
