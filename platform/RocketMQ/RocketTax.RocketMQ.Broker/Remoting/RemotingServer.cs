using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using RocketTax.RocketMQ.Remoting;

namespace RocketTax.RocketMQ.Broker.Remoting;

/// <summary>
/// A TCP server of RocketMQ's remoting protocol: requests dispatched by code to their processor, several of one
/// connection at a time (see <see cref="RemotingServerConnection"/>). A connection that breaks the framing is
/// closed (and logged); the others carry on.
/// </summary>
public sealed partial class RemotingServer : IAsyncDisposable
{
    private readonly RemotingServerOptions _options;
    private readonly Dictionary<int, IRemotingRequestProcessor> _processors = [];
    private readonly ILogger<RemotingServer> _logger;
    private readonly IRemotingRequestGuard? _guard;
    private readonly ConcurrentDictionary<long, Socket> _connections = new();
    private readonly CancellationTokenSource _stopping = new();
    private Socket? _listener;
    private Task _acceptLoop = Task.CompletedTask;
    private long _nextConnectionId;

    /// <param name="guard">Checks every request before its processor (the broker's ACL); none lets all through.</param>
    public RemotingServer(
        RemotingServerOptions options, IEnumerable<IRemotingRequestProcessor> processors, ILogger<RemotingServer> logger, IRemotingRequestGuard? guard = null)
    {
        _options = options;
        _logger = logger;
        _guard = guard;
        foreach (var processor in processors)
        {
            foreach (var code in processor.RequestCodes)
            {
                _processors[code] = processor;
            }
        }
    }

    /// <summary>The port actually bound (differs from the options when they asked for port 0).</summary>
    public int Port => (_listener?.LocalEndPoint as IPEndPoint)?.Port ?? _options.Port;

    /// <summary>Binds the port (throws <see cref="SocketException"/> when it is taken) and starts accepting.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var listener = new Socket(_options.Address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.Bind(new IPEndPoint(_options.Address, _options.Port));
            listener.Listen(512);
        }
        catch
        {
            listener.Dispose();
            throw;
        }

        _listener = listener;
        _acceptLoop = AcceptLoopAsync(listener, _stopping.Token);
        return Task.CompletedTask;
    }

    /// <summary>Stops accepting, closes every connection and waits for the accept loop to end.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener?.Dispose();
        foreach (var socket in _connections.Values)
        {
            socket.Dispose();
        }

        await _acceptLoop.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync(Socket listener, CancellationToken cancellationToken)
    {
        var connections = new List<Task>();
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException && cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (SocketException ex)
            {
                // A client that reset during the handshake; the listener itself is fine.
                LogAcceptFailed(ex.SocketErrorCode);
                continue;
            }

            connections.RemoveAll(t => t.IsCompleted);
            connections.Add(ServeAsync(socket, cancellationToken));
        }

        await Task.WhenAll(connections).ConfigureAwait(false);
    }

    private async Task ServeAsync(Socket socket, CancellationToken cancellationToken)
    {
        await Task.Yield();
        var id = Interlocked.Increment(ref _nextConnectionId);
        _connections[id] = socket;
        socket.NoDelay = true;
        var stream = new NetworkStream(socket, ownsSocket: true);
        var connection = new RemotingServerConnection(socket.RemoteEndPoint?.ToString() ?? "unknown", stream, _options.MaxRequestsInFlight);
        try
        {
            await connection.ServeAsync(Dispatch, cancellationToken).ConfigureAwait(false);
        }
        catch (RemotingProtocolException ex)
        {
            LogClosingBadConnection(connection.Peer, ex.Message);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The peer went away or the server is stopping; nothing to answer.
        }
        finally
        {
            _connections.TryRemove(id, out _);
            await stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Hands <paramref name="request"/> to its processor and answers it on <paramref name="connection"/>: at once when
    /// the processor finished synchronously, else from the one continuation that awaits it (a send waits for the store).
    /// </summary>
    private void Dispatch(RemotingCommand request, RemotingServerConnection connection, CancellationToken cancellationToken)
    {
        var peer = connection.Peer;
        if (request.IsResponse)
        {
            // Nobody here sent a request on this connection; a stray answer is dropped.
            LogStrayResponse(peer, request.Opaque);
            connection.Answer(request, null);
            return;
        }

        if (_guard?.Refuse(request, peer) is { } refusal)
        {
            connection.Answer(request, refusal);
            return;
        }

        if (!_processors.TryGetValue(request.Code, out var processor))
        {
            LogUnsupportedCode(peer, request.Code);
            connection.Answer(request, RemotingCommand.Response(request, ResponseCode.RequestCodeNotSupported,
                $"request code {request.Code} is not supported by this server"));
            return;
        }

        ValueTask<RemotingCommand> processing;
        try
        {
            processing = processor.ProcessAsync(request, peer, cancellationToken);
        }
        catch (Exception ex)
        {
            connection.Answer(request, Failed(request, peer, ex));
            return;
        }

        if (processing.IsCompletedSuccessfully)
        {
            connection.Answer(request, processing.Result);
        }
        else
        {
            _ = AnswerWhenProcessedAsync(request, processing, connection);
        }
    }

    private async Task AnswerWhenProcessedAsync(RemotingCommand request, ValueTask<RemotingCommand> processing, RemotingServerConnection connection)
    {
        RemotingCommand? response;
        try
        {
            response = await processing.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            response = Failed(request, connection.Peer, ex);
        }

        connection.Answer(request, response);
    }

    /// <summary>The answer to a request whose processor threw; none when the server is stopping (the connection closes).</summary>
    private RemotingCommand? Failed(RemotingCommand request, string peer, Exception error)
    {
        switch (error)
        {
            case OperationCanceledException:
                return null;
            case RemotingProtocolException:
                LogBadRequest(peer, request.Code, error.Message);
                return RemotingCommand.Response(request, ResponseCode.SystemError, error.Message);
            default:
                LogProcessorFailed(error, peer, request.Code);
                return RemotingCommand.Response(request, ResponseCode.SystemError, $"request code {request.Code} failed: {error.Message}");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Closing remoting connection from {Peer}: {Reason}")]
    private partial void LogClosingBadConnection(string peer, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request code {Code} from {Peer} is not supported; answered REQUEST_CODE_NOT_SUPPORTED")]
    private partial void LogUnsupportedCode(string peer, int code);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Bad request code {Code} from {Peer}: {Reason}")]
    private partial void LogBadRequest(string peer, int code, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Request code {Code} from {Peer} failed")]
    private partial void LogProcessorFailed(Exception ex, string peer, int code);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Dropping a response (opaque {Opaque}) from {Peer} that answers no request")]
    private partial void LogStrayResponse(string peer, int opaque);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Accepting a remoting connection failed: {Error}")]
    private partial void LogAcceptFailed(SocketError error);
}
