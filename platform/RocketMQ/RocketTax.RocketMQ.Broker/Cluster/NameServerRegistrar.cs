using System.Globalization;
using System.Text.Json;
using RocketTax.RocketMQ.Broker.Configuration;
using RocketTax.RocketMQ.Broker.Hosting;
using RocketTax.RocketMQ.Broker.Managers;
using RocketTax.RocketMQ.Broker.NameServer;
using RocketTax.RocketMQ.Remoting;
using RocketTax.RocketMQ.Remoting.Body;

namespace RocketTax.RocketMQ.Broker.Cluster;

/// <summary>
/// Keeps this broker known to every name server: registers at start, every <c>registerNameServerPeriod</c>
/// and right after a topic changes, and unregisters at shutdown. The gRPC endpoint travels in the
/// <c>grpcServerAddr</c> header field so other brokers can route clients here.
/// </summary>
public sealed partial class NameServerRegistrar : BackgroundService
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(3);

    private readonly NameServerList _nameServers;
    private readonly BrokerConfig _config;
    private readonly BrokerIdentity _identity;
    private readonly TopicManager _topics;
    private readonly RemotingClient _client;
    private readonly TimeProvider _time;
    private readonly ILogger<NameServerRegistrar> _logger;
    private readonly SemaphoreSlim _changed = new(0, 1);
    private readonly SemaphoreSlim _registering = new(1, 1);
    private readonly HashSet<string> _failing = new(StringComparer.Ordinal);
    private long _dataVersionCounter;

    public NameServerRegistrar(
        NameServerList nameServers, BrokerConfig config, BrokerIdentity identity, TopicManager topics,
        RemotingClient client, TimeProvider time, ILogger<NameServerRegistrar> logger)
    {
        _nameServers = nameServers;
        _config = config;
        _identity = identity;
        _topics = topics;
        _client = client;
        _time = time;
        _logger = logger;
        _topics.TopicsChanged += OnTopicsChanged;
    }

    /// <summary>The gRPC endpoint this broker advertises to the cluster.</summary>
    public string GrpcAddress => $"{_identity.AdvertisedHost}:{_identity.GrpcPort.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Registers with every name server now; true when at least one accepted.</summary>
    public async Task<bool> RegisterAllAsync(CancellationToken cancellationToken)
    {
        if (_nameServers.IsEmpty)
        {
            return false;
        }

        await _registering.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var body = JsonSerializer.SerializeToUtf8Bytes(new RegisterBrokerBody { TopicConfigSerializeWrapper = Snapshot() }, RemotingJson.Options);
            var results = await Task.WhenAll(_nameServers.Addresses.Select(ns => RegisterAsync(ns, body, cancellationToken))).ConfigureAwait(false);
            return results.Any(ok => ok);
        }
        finally
        {
            _registering.Release();
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _topics.TopicsChanged -= OnTopicsChanged;
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await Task.WhenAll(_nameServers.Addresses.Select(ns => UnregisterAsync(ns, cancellationToken))).ConfigureAwait(false);
    }

    public override void Dispose()
    {
        _changed.Dispose();
        _registering.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_nameServers.IsEmpty)
        {
            return;
        }

        var period = TimeSpan.FromMilliseconds(_config.RegisterNameServerPeriod);
        while (!stoppingToken.IsCancellationRequested)
        {
            await RegisterAllAsync(stoppingToken).ConfigureAwait(false);
            // Wake at the period, or at once when a topic was created, changed or deleted.
            using var tick = new CancellationTokenSource(period, _time);
            using var wake = CancellationTokenSource.CreateLinkedTokenSource(tick.Token, stoppingToken);
            try
            {
                await _changed.WaitAsync(wake.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                // The period passed: register again.
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void OnTopicsChanged()
    {
        Interlocked.Increment(ref _dataVersionCounter);
        try
        {
            _changed.Release();
        }
        catch (SemaphoreFullException)
        {
            // A registration is already pending; it will carry this change too.
        }
    }

    private TopicConfigSerializeWrapper Snapshot()
    {
        var wrapper = new TopicConfigSerializeWrapper
        {
            DataVersion = new DataVersion(_time.GetUtcNow().ToUnixTimeMilliseconds(), Interlocked.Read(ref _dataVersionCounter)),
        };
        foreach (var topic in _topics.All)
        {
            wrapper.TopicConfigTable[topic.Name] = TopicConfigMapping.ToBody(topic);
        }

        return wrapper;
    }

    private Dictionary<string, string> Header() => new()
    {
        ["brokerName"] = _identity.BrokerName,
        ["brokerAddr"] = _identity.RemotingAddress,
        ["clusterName"] = _identity.ClusterName,
        ["brokerId"] = _config.BrokerId.ToString(CultureInfo.InvariantCulture),
        ["haServerAddr"] = string.Empty,
        ["compressed"] = "false",
        [NameServerRequestProcessor.GrpcServerAddrField] = GrpcAddress,
    };

    private async Task<bool> RegisterAsync(string nameServer, byte[] body, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _client.InvokeAsync(nameServer, RemotingCommand.Request(RequestCode.RegisterBroker, Header(), body), CallTimeout, cancellationToken).ConfigureAwait(false);
            if (response.Code != ResponseCode.Success)
            {
                throw new RemotingException(nameServer, $"refused the registration: {response.Remark}");
            }

            bool recovered;
            lock (_failing)
            {
                recovered = _failing.Remove(nameServer);
            }

            if (recovered)
            {
                LogRegisteredAgain(nameServer);
            }
            else
            {
                LogRegistered(nameServer);
            }

            return true;
        }
        catch (RemotingException ex)
        {
            bool first;
            lock (_failing)
            {
                first = _failing.Add(nameServer);
            }

            // Once per outage at warning level; a name server down for an hour must not flood the log.
            if (first)
            {
                LogRegisterFailed(nameServer, ex.Message);
            }

            return false;
        }
    }

    private async Task UnregisterAsync(string nameServer, CancellationToken cancellationToken)
    {
        var header = Header();
        header.Remove(NameServerRequestProcessor.GrpcServerAddrField);
        try
        {
            await _client.InvokeAsync(nameServer, RemotingCommand.Request(RequestCode.UnregisterBroker, header), CallTimeout, cancellationToken).ConfigureAwait(false);
            LogUnregistered(nameServer);
        }
        catch (Exception ex) when (ex is RemotingException or OperationCanceledException)
        {
            // The name server forgets this broker after brokerExpiredMillis anyway.
            LogUnregisterFailed(nameServer, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Registered with name server {NameServer}")]
    private partial void LogRegistered(string nameServer);

    [LoggerMessage(Level = LogLevel.Information, Message = "Registered with name server {NameServer} again")]
    private partial void LogRegisteredAgain(string nameServer);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot register with name server {NameServer}: {Reason}; retrying every registerNameServerPeriod")]
    private partial void LogRegisterFailed(string nameServer, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Unregistered from name server {NameServer}")]
    private partial void LogUnregistered(string nameServer);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot unregister from name server {NameServer}: {Reason}; it forgets this broker when the registration expires")]
    private partial void LogUnregisterFailed(string nameServer, string reason);
}
