using System.Collections.Concurrent;
using System.Net.Security;
using Apache.Rocketmq.V2;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;
using RocketTax.RocketMQ.Client.Diagnostics;
using RocketTax.RocketMQ.Client.Transport;

namespace RocketTax.RocketMQ.Client.Session;

/// <summary>
/// What every client shares: gRPC channels per endpoint, request headers, the Telemetry sessions and the
/// server settings they bring, the route cache (refreshed every 30 s and on failure), heartbeats every
/// 10 s, endpoint isolation after failures, and NotifyClientTermination on the way out.
/// </summary>
internal sealed class ClientSession : IAsyncDisposable
{
    private static readonly TimeSpan HeartbeatPeriod = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan RouteRefreshPeriod = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan IsolationPeriod = TimeSpan.FromSeconds(30);

    private readonly ClientType _clientType;
    private readonly string? _group;
    private readonly Func<Settings, Settings> _completeSettings;
    private readonly int? _producerMaxAttempts;
    private readonly ConcurrentDictionary<EndpointAddress, IDisposable> _channels = new();
    private readonly ConcurrentDictionary<EndpointAddress, MessagingService.MessagingServiceClient> _clients = new();
    private readonly ConcurrentDictionary<EndpointAddress, TelemetrySession> _telemetry = new();
    private readonly ConcurrentDictionary<string, TopicRoute> _routes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _staleRoutes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<EndpointAddress, DateTimeOffset> _isolated = new();
    private readonly CancellationTokenSource _lifetime = new();
    private readonly SemaphoreSlim _startGate = new(1, 1);
    private readonly Lock _settingsLock = new();
    private ServerSettings _server;
    private Task _background = Task.CompletedTask;
    private bool _started;
    private int _disposed;

    public ClientSession(
        RocketMQClientOptions options, ClientType clientType, string? group, Func<Settings, Settings> completeSettings,
        ILogger logger, TimeProvider time, int? producerMaxAttempts = null)
    {
        options.Validate();
        Options = options;
        AccessPoints = EndpointAddress.ParseList(options.Endpoints, nameof(options.Endpoints));
        _clientType = clientType;
        _group = group;
        _completeSettings = completeSettings;
        _producerMaxAttempts = producerMaxAttempts;
        Logger = logger;
        Time = time;
        ClientId = ClientIdentity.NewClientId(time);
        Metadata = new RequestMetadata(options, ClientId, RequestIds, time);
        MessageIds = new MessageIdGenerator(time);
        _server = new ServerSettings
        {
            Backoff = producerMaxAttempts is { } attempts ? BackoffPolicy.DefaultProducer(attempts) : BackoffPolicy.DefaultConsumer,
        };
    }

    public RocketMQClientOptions Options { get; }

    public IReadOnlyList<EndpointAddress> AccessPoints { get; }

    public string ClientId { get; }

    public ILogger Logger { get; }

    public TimeProvider Time { get; }

    public RequestMetadata Metadata { get; }

    /// <summary>This client's request and attempt ids.</summary>
    public RequestIds RequestIds { get; } = new();

    public MessageIdGenerator MessageIds { get; }

    /// <summary>The latest settings the server sent.</summary>
    public ServerSettings Server => Volatile.Read(ref _server);

    /// <summary>Takes the brokers' transaction checks (RecoverOrphanedTransactionCommand); null for consumers, which have none to answer.</summary>
    public Action<RecoverOrphanedTransactionCommand, EndpointAddress>? TransactionChecks { get; init; }

    /// <summary>Fires when the client is disposed.</summary>
    public CancellationToken Lifetime => _lifetime.Token;

    /// <summary>A resource in this client's namespace.</summary>
    public Resource Resource(string name) => new() { Name = name, ResourceNamespace = Options.Namespace };

    /// <summary>
    /// Fetches the routes of <paramref name="topics"/> (which opens the Telemetry sessions and waits for the
    /// server's settings), then starts heartbeats and route refreshes. Safe to call again; the first success wins.
    /// </summary>
    public async Task StartAsync(IEnumerable<string> topics, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (Volatile.Read(ref _started))
        {
            return;
        }

        await _startGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_started)
            {
                return;
            }

            var any = false;
            foreach (var topic in topics)
            {
                any = true;
                await GetRouteAsync(topic, cancellationToken).ConfigureAwait(false);
            }

            if (!any)
            {
                // No topic yet: the access point itself answers the settings (route endpoints follow later).
                await EnsureTelemetryAsync(AccessPoints[0], cancellationToken).ConfigureAwait(false);
            }

            _background = Task.WhenAll(
                Task.Run(() => EveryAsync(HeartbeatPeriod, HeartbeatAsync)),
                Task.Run(() => EveryAsync(RouteRefreshPeriod, RefreshRoutesAsync)));
            Volatile.Write(ref _started, true);
            Logger.ClientStarted(ClientId, _clientType.ToString(), Options.Endpoints);
        }
        finally
        {
            _startGate.Release();
        }
    }

    /// <summary>
    /// The cached route of a topic, or a fresh one from the access points. A route marked stale by a failure is
    /// queried again; while no access point answers, the cached one keeps serving (its other brokers may be fine).
    /// </summary>
    public async ValueTask<TopicRoute> GetRouteAsync(string topic, CancellationToken cancellationToken)
    {
        if (!_routes.TryGetValue(topic, out var cached))
        {
            return await FetchRouteAsync(topic, cancellationToken).ConfigureAwait(false);
        }

        if (!_staleRoutes.TryRemove(topic, out _))
        {
            return cached;
        }

        try
        {
            return await FetchRouteAsync(topic, cancellationToken).ConfigureAwait(false);
        }
        catch (RocketMQConnectionException ex)
        {
            Logger.RouteRefreshFailed(topic, ex);
            return cached;
        }
    }

    /// <summary>
    /// Marks a cached route stale after a failure on it: the next use queries it again. It is not dropped, so a
    /// dead access point cannot take away the route to the brokers still alive.
    /// </summary>
    public void InvalidateRoute(string topic) => _staleRoutes[topic] = 0;

    /// <summary>Marks an endpoint as failing: publishing prefers other brokers for a while.</summary>
    public void Isolate(EndpointAddress endpoint) => _isolated[endpoint] = Time.GetUtcNow() + IsolationPeriod;

    public bool IsIsolated(EndpointAddress endpoint)
    {
        if (!_isolated.TryGetValue(endpoint, out var until))
        {
            return false;
        }

        if (until > Time.GetUtcNow())
        {
            return true;
        }

        _isolated.TryRemove(endpoint, out _);
        return false;
    }

    /// <summary>The gRPC client for an endpoint, made once (not per call); one channel (HTTP/2 connection pool) per endpoint.</summary>
    public MessagingService.MessagingServiceClient Client(EndpointAddress endpoint) =>
        _clients.TryGetValue(endpoint, out var client) ? client : _clients.GetOrAdd(endpoint, e => new(_channels.GetOrAdd(e, CreateChannel) switch
        {
            Http2CallInvoker invoker => invoker,
            var channel => ((GrpcChannel)channel).CreateCallInvoker(),
        }));

    /// <summary>
    /// One unary call with this client's headers and a deadline of the request timeout (or <paramref name="timeout"/>).
    /// Transport failures become a <see cref="RocketMQConnectionException"/> naming the endpoint; cancellation stays cancellation.
    /// </summary>
    public async Task<TResponse> CallAsync<TResponse>(
        EndpointAddress endpoint, string operation,
        Func<MessagingService.MessagingServiceClient, CallOptions, AsyncUnaryCall<TResponse>> call,
        CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        var client = Client(endpoint);
        var limit = timeout ?? Options.RequestTimeout;
        try
        {
            return await call(client, CallOptions(limit, cancellationToken)).ConfigureAwait(false);
        }
        catch (RpcException ex)
        {
            throw Translate(ex, endpoint, operation, limit, cancellationToken);
        }
    }

    /// <summary>Headers and a deadline for one call.</summary>
    public CallOptions CallOptions(TimeSpan timeout, CancellationToken cancellationToken) =>
        new(Metadata.Create(), DateTime.UtcNow + timeout, cancellationToken);

    /// <summary>The exception a failed call should surface as.</summary>
    public Exception Translate(RpcException ex, EndpointAddress endpoint, string operation, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (ex.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
        {
            return new OperationCanceledException($"{operation} to {endpoint} was cancelled.", ex, cancellationToken);
        }

        var tlsHint = Options.UseTls ? " (TLS is on: does the endpoint speak TLS, and is its certificate trusted?)" : string.Empty;
        return ex.StatusCode == StatusCode.DeadlineExceeded
            ? new RocketMQConnectionException(
                $"{operation} to {endpoint} got no answer within {timeout.TotalSeconds:0.###} s: is a RocketMQ 5.x proxy or broker serving gRPC there?{tlsHint}",
                endpoint.ToString(), ex)
            : new RocketMQConnectionException(
                $"{operation} to {endpoint} failed: {ex.Status.Detail} (gRPC {ex.StatusCode}). Check that a RocketMQ 5.x proxy or broker serves gRPC on {endpoint}.{tlsHint}",
                endpoint.ToString(), ex);
    }

    /// <summary>The settings this client announces on its Telemetry streams.</summary>
    public Settings ClientSettings()
    {
        var settings = new Settings
        {
            ClientType = _clientType,
            AccessPoint = EndpointAddress.ToProtocol(AccessPoints),
            RequestTimeout = Duration.FromTimeSpan(Options.RequestTimeout),
            UserAgent = new UA
            {
                Language = Language.DotNet,
                Version = ClientIdentity.Version,
                Platform = System.Runtime.InteropServices.RuntimeInformation.OSDescription,
                Hostname = ClientIdentity.HostName,
            },
        };
        return _completeSettings(settings);
    }

    /// <summary>Applies the settings a server sent on a Telemetry stream.</summary>
    public void ApplyServerSettings(Settings settings, EndpointAddress endpoint)
    {
        lock (_settingsLock)
        {
            var current = Server;
            var next = current;
            if (settings.BackoffPolicy is { } policy)
            {
                next = next with { Backoff = BackoffPolicy.FromProtocol(policy, _producerMaxAttempts) };
            }

            if (settings.PubSubCase == Settings.PubSubOneofCase.Publishing && settings.Publishing.MaxBodySize > 0)
            {
                next = next with { MaxBodySize = settings.Publishing.MaxBodySize };
            }

            if (settings.PubSubCase == Settings.PubSubOneofCase.Subscription)
            {
                var subscription = settings.Subscription;
                if (subscription.HasReceiveBatchSize && subscription.ReceiveBatchSize > 0)
                {
                    next = next with { ReceiveBatchSize = subscription.ReceiveBatchSize };
                }

                if (subscription.HasFifo)
                {
                    next = next with { Fifo = subscription.Fifo };
                }

                if (subscription.LongPollingTimeout is { } polling && polling.ToTimeSpan() > TimeSpan.Zero)
                {
                    next = next with { LongPollingTimeout = polling.ToTimeSpan() };
                }
            }

            Volatile.Write(ref _server, next);
            Logger.SettingsApplied(endpoint.ToString(), next.Backoff.MaxAttempts, next.MaxBodySize);
        }
    }

    /// <summary>
    /// Sends <see cref="ClientSettings"/> again on every open Telemetry stream, after they changed (a producer's new
    /// topic). A stream that is down sends the current settings when it reconnects, so its failure is only logged.
    /// </summary>
    public async Task SyncSettingsAsync(CancellationToken cancellationToken)
    {
        foreach (var (endpoint, session) in _telemetry)
        {
            try
            {
                await session.SyncSettingsAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is RpcException or IOException or InvalidOperationException)
            {
                Logger.SettingsSyncFailed(endpoint.ToString(), ex);
            }
        }
    }

    /// <summary>Every endpoint this client talked to through routes or Telemetry.</summary>
    public IReadOnlyCollection<EndpointAddress> KnownEndpoints() =>
        [.. _routes.Values.SelectMany(r => r.Endpoints).Concat(_telemetry.Keys).Distinct()];

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _lifetime.CancelAsync().ConfigureAwait(false);
        await _background.ConfigureAwait(false);
        if (Volatile.Read(ref _started))
        {
            await NotifyTerminationAsync().ConfigureAwait(false);
        }

        foreach (var session in _telemetry.Values)
        {
            await session.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var channel in _channels.Values)
        {
            channel.Dispose();
        }

        _lifetime.Dispose();
        Logger.ClientStopped(ClientId);
    }

    private async Task EnsureTelemetryAsync(EndpointAddress endpoint, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var session = _telemetry.GetOrAdd(endpoint, e => new TelemetrySession(this, e));
        await session.WaitForSettingsAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Queries a route, opens Telemetry to its brokers and caches it. A broker that does not answer (dead, while
    /// the name servers still list it) is isolated rather than failing the route; at least one must answer.
    /// </summary>
    private async Task<TopicRoute> FetchRouteAsync(string topic, CancellationToken cancellationToken)
    {
        var route = await QueryRouteAsync(topic, cancellationToken).ConfigureAwait(false);
        var failures = await Task.WhenAll(route.Endpoints.Select(e => TryEnsureTelemetryAsync(e, cancellationToken))).ConfigureAwait(false);
        if (failures.All(f => f is not null))
        {
            throw failures[0]!;
        }

        _routes[topic] = route;
        return route;
    }

    private async Task<RocketMQConnectionException?> TryEnsureTelemetryAsync(EndpointAddress endpoint, CancellationToken cancellationToken)
    {
        try
        {
            await EnsureTelemetryAsync(endpoint, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (RocketMQConnectionException ex)
        {
            Isolate(endpoint);
            return ex;
        }
    }

    /// <summary>Asks the access points for a topic's route, bypassing the cache.</summary>
    public async Task<TopicRoute> QueryRouteAsync(string topic, CancellationToken cancellationToken)
    {
        RocketMQException? last = null;
        foreach (var accessPoint in AccessPoints)
        {
            try
            {
                var request = new QueryRouteRequest { Topic = Resource(topic), Endpoints = EndpointAddress.ToProtocol(AccessPoints) };
                var response = await CallAsync(accessPoint, $"QueryRoute of topic '{topic}'",
                    (client, call) => client.QueryRouteAsync(request, call), cancellationToken).ConfigureAwait(false);
                StatusCheck.ThrowIfFailed(response.Status, $"QueryRoute of topic '{topic}'", accessPoint);
                return new TopicRoute(topic, response.MessageQueues);
            }
            catch (RocketMQConnectionException ex)
            {
                last = ex;
            }
        }

        throw last!;
    }

    private async Task EveryAsync(TimeSpan period, Func<CancellationToken, Task> work)
    {
        using var timer = new PeriodicTimer(period, Time);
        try
        {
            while (await timer.WaitForNextTickAsync(_lifetime.Token).ConfigureAwait(false))
            {
                try
                {
                    await work(_lifetime.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (!_lifetime.IsCancellationRequested && Volatile.Read(ref _disposed) == 0)
                {
                    // One failed heartbeat or route refresh must not end the loop for the client's life.
                    Logger.BackgroundWorkFailed(work.Method.Name, ClientId, ex);
                }
                catch (Exception) when (Volatile.Read(ref _disposed) != 0)
                {
                    // Disposal raced this tick (e.g. ObjectDisposedException): the loop ends.
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (_lifetime.IsCancellationRequested)
        {
            // Disposed: the loop ends.
        }
    }

    private async Task HeartbeatAsync(CancellationToken cancellationToken)
    {
        var request = new HeartbeatRequest { ClientType = _clientType };
        if (_group is not null)
        {
            request.Group = Resource(_group);
        }

        foreach (var endpoint in KnownEndpoints())
        {
            try
            {
                var response = await CallAsync(endpoint, "Heartbeat", (client, call) => client.HeartbeatAsync(request, call), cancellationToken).ConfigureAwait(false);
                StatusCheck.ThrowIfFailed(response.Status, "Heartbeat", endpoint);
            }
            catch (RocketMQException ex)
            {
                Logger.HeartbeatFailed(endpoint.ToString(), ex);
            }
        }
    }

    private async Task RefreshRoutesAsync(CancellationToken cancellationToken)
    {
        foreach (var topic in _routes.Keys)
        {
            try
            {
                var route = await QueryRouteAsync(topic, cancellationToken).ConfigureAwait(false);
                _routes[topic] = route;
                foreach (var endpoint in route.Endpoints.Where(e => !_telemetry.ContainsKey(e)))
                {
                    await EnsureTelemetryAsync(endpoint, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (RocketMQException ex)
            {
                Logger.RouteRefreshFailed(topic, ex);
            }
        }
    }

    private async Task NotifyTerminationAsync()
    {
        var request = new NotifyClientTerminationRequest();
        if (_group is not null)
        {
            request.Group = Resource(_group);
        }

        foreach (var endpoint in KnownEndpoints())
        {
            try
            {
                var response = await CallAsync(endpoint, "NotifyClientTermination",
                    (client, call) => client.NotifyClientTerminationAsync(request, call), CancellationToken.None).ConfigureAwait(false);
                StatusCheck.ThrowIfFailed(response.Status, "NotifyClientTermination", endpoint);
            }
            catch (RocketMQException ex)
            {
                Logger.TerminationFailed(endpoint.ToString(), ex);
            }
        }
    }

    /// <summary>The endpoint's channel: Grpc.Net.Client's, or the client's own HTTP/2 invoker.</summary>
    private IDisposable CreateChannel(EndpointAddress endpoint)
    {
        if (Options.Transport == GrpcTransport.Native)
        {
            // Keepalive as the Grpc.Net.Client channel below: 30 s delay, 10 s timeout, only while calls are active.
            return new Http2CallInvoker(endpoint, new Http2TransportOptions
            {
                UseTls = Options.UseTls,
                ValidateServerCertificate = Options.ValidateServerCertificate,
                ConnectTimeout = Options.RequestTimeout,
            });
        }

        var handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            ConnectTimeout = Options.RequestTimeout,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            KeepAlivePingDelay = TimeSpan.FromSeconds(30),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(10),
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
        };
        if (Options.UseTls && !Options.ValidateServerCertificate)
        {
            handler.SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, _, _, _) => true };
        }

        return GrpcChannel.ForAddress(endpoint.ToUri(Options.UseTls), new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
            // A receive streams one message per response; bodies go up to the broker's limit (4 MiB by default) plus headers.
            MaxReceiveMessageSize = 64 * 1024 * 1024,
            MaxSendMessageSize = null,
        });
    }
}
