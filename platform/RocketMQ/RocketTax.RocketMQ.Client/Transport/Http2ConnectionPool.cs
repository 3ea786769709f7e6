using Grpc.Core;
using RocketTax.RocketMQ.Client.Session;
using RocketTax.RocketMQ.Http2;

namespace RocketTax.RocketMQ.Client.Transport;

/// <summary>
/// The HTTP/2 connections to one endpoint: one, opened on the first call; another only when the server's
/// MAX_CONCURRENT_STREAMS is reached; a closed or GOAWAY'd one is dropped and the next call opens a fresh one.
/// Concurrent callers share one connection attempt.
/// </summary>
internal sealed class Http2ConnectionPool(EndpointAddress endpoint, Http2TransportOptions options)
{
    private readonly Lock _lock = new();
    private readonly List<Http2Connection> _connections = [];
    private Task<Http2Connection>? _opening;
    private bool _disposed;

    /// <summary>Connections open now.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _connections.Count;
            }
        }
    }

    /// <summary>A connection with a stream reserved for the call; <see cref="StatusCode.Unavailable"/> when none can be opened.</summary>
    public async ValueTask<Http2Connection> ReserveAsync(GrpcStream call)
    {
        while (true)
        {
            Task<Http2Connection> opening;
            lock (_lock)
            {
                if (_disposed)
                {
                    throw new RpcException(new Status(StatusCode.Unavailable, $"The client's transport to {endpoint} is closed."));
                }

                foreach (var connection in _connections)
                {
                    if (connection.TryReserve())
                    {
                        return connection;
                    }
                }

                opening = _opening ??= OpenAsync();
            }

            try
            {
                await (call.DeadlineTick == long.MaxValue
                    ? opening.WaitAsync(call.CancellationToken)
                    : opening.WaitAsync(TimeSpan.FromMilliseconds(Math.Max(call.DeadlineTick - Environment.TickCount64, 0)), call.CancellationToken)).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                throw new RpcException(new Status(StatusCode.DeadlineExceeded, $"The deadline passed while connecting to {endpoint}."));
            }
            catch (OperationCanceledException) when (call.CancellationToken.IsCancellationRequested)
            {
                throw new RpcException(new Status(StatusCode.Cancelled, "The call was cancelled while connecting."));
            }
            finally
            {
                lock (_lock)
                {
                    // A finished attempt (failed or not) makes way for the next one.
                    if (_opening == opening && opening.IsCompleted)
                    {
                        _opening = null;
                    }
                }
            }
        }
    }

    /// <summary>Closes every connection; calls in flight fail <see cref="StatusCode.Unavailable"/>.</summary>
    public void Dispose()
    {
        Http2Connection[] connections;
        lock (_lock)
        {
            _disposed = true;
            connections = [.. _connections];
            _connections.Clear();
        }

        foreach (var connection in connections)
        {
            connection.Close(new ObjectDisposedException(nameof(Http2CallInvoker), "The client is closing."), Http2ErrorCode.NoError);
        }
    }

    private async Task<Http2Connection> OpenAsync()
    {
        await Task.Yield();
        var connection = await Http2Connection.ConnectAsync(endpoint, options, Remove, CancellationToken.None).ConfigureAwait(false);
        lock (_lock)
        {
            if (!_disposed)
            {
                _connections.Add(connection);
                return connection;
            }
        }

        connection.Close(new ObjectDisposedException(nameof(Http2CallInvoker), "The client is closing."), Http2ErrorCode.NoError);
        return connection;
    }

    private void Remove(Http2Connection connection)
    {
        lock (_lock)
        {
            _connections.Remove(connection);
        }
    }
}
