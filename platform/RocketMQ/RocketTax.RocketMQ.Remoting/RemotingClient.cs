using System.Collections.Concurrent;

namespace RocketTax.RocketMQ.Remoting;

/// <summary>
/// Calls remoting servers (name servers, brokers) by <c>host:port</c>: one connection per address, opened on
/// first use and re-opened after it breaks; each call has a timeout and is matched to its answer by opaque.
/// </summary>
public sealed class RemotingClient : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, RemotingClientConnection> _connections = new(StringComparer.Ordinal);
    // One lock per address, so a slow connect to a dead name server does not hold up calls to the others.
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _connectLocks = new(StringComparer.Ordinal);
    private int _nextOpaque;

    /// <summary>How long opening a connection may take.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>When set, every request is signed with this account, as brokers with <c>aclEnable=true</c> require.</summary>
    public RemotingCredentials? Credentials { get; init; }

    /// <summary>Sends <paramref name="request"/> to <paramref name="address"/> and waits for its answer; throws <see cref="RemotingException"/> when none comes.</summary>
    public async Task<RemotingCommand> InvokeAsync(string address, RemotingCommand request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        request.Opaque = Interlocked.Increment(ref _nextOpaque);
        request.Flag &= ~RemotingCommand.ResponseFlag;
        SignIfConfigured(request);
        var connection = await ConnectionAsync(address, cancellationToken).ConfigureAwait(false);
        return await connection.InvokeAsync(request, timeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends <paramref name="request"/> without waiting for an answer (the oneway flag is set).</summary>
    public async Task InvokeOnewayAsync(string address, RemotingCommand request, CancellationToken cancellationToken)
    {
        request.Opaque = Interlocked.Increment(ref _nextOpaque);
        request.Flag |= RemotingCommand.OnewayFlag;
        SignIfConfigured(request);
        var connection = await ConnectionAsync(address, cancellationToken).ConfigureAwait(false);
        await connection.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _connections.Values)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }

        _connections.Clear();
        foreach (var gate in _connectLocks.Values)
        {
            gate.Dispose();
        }
    }

    private void SignIfConfigured(RemotingCommand request)
    {
        if (Credentials is { } credentials)
        {
            RemotingSignature.Sign(request, credentials);
        }
    }

    private async Task<RemotingClientConnection> ConnectionAsync(string address, CancellationToken cancellationToken)
    {
        if (_connections.TryGetValue(address, out var existing) && existing.IsOpen)
        {
            return existing;
        }

        var gate = _connectLocks.GetOrAdd(address, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_connections.TryGetValue(address, out existing))
            {
                if (existing.IsOpen)
                {
                    return existing;
                }

                _connections.TryRemove(address, out _);
                await existing.DisposeAsync().ConfigureAwait(false);
            }

            var connection = await RemotingClientConnection.ConnectAsync(address, ConnectTimeout, cancellationToken).ConfigureAwait(false);
            _connections[address] = connection;
            return connection;
        }
        finally
        {
            gate.Release();
        }
    }
}
