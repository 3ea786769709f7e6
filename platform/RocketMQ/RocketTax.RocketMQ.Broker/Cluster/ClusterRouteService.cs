using System.Collections.Concurrent;
using RocketTax.RocketMQ.Broker.Configuration;
using RocketTax.RocketMQ.Remoting;
using RocketTax.RocketMQ.Remoting.Body;

namespace RocketTax.RocketMQ.Broker.Cluster;

/// <summary>
/// Routes of the whole cluster, read from the name servers (any one that answers) and cached: a route younger
/// than <see cref="FreshFor"/> is served without asking, and while no name server answers the last route one
/// gave is served, however long the outage lasts.
/// </summary>
public sealed partial class ClusterRouteService(
    NameServerList nameServers, RemotingClient client, TimeProvider time, ILogger<ClusterRouteService> logger)
{
    /// <summary>How long a route is served without asking again; clients ask every 30 s, so this only absorbs bursts.</summary>
    public static readonly TimeSpan FreshFor = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(3);

    private readonly ConcurrentDictionary<string, CachedRoute> _cache = new(StringComparer.Ordinal);
    private int _preferred;

    /// <summary>False when no name server is configured: the broker then routes to itself only.</summary>
    public bool Enabled => !nameServers.IsEmpty;

    /// <summary>The cluster's route of <paramref name="topic"/>; <paramref name="refresh"/> skips the freshness window.</summary>
    public async Task<RouteLookup> GetRouteAsync(string topic, bool refresh, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        _cache.TryGetValue(topic, out var cached);
        if (!refresh && cached is not null && now - cached.FetchedAt < FreshFor)
        {
            return new RouteLookup(cached.Route, RouteLookupOutcome.NameServer);
        }

        var response = await AskAnyAsync(() => RemotingCommand.Request(
            RequestCode.GetRouteInfoByTopic, new Dictionary<string, string> { ["topic"] = topic }), cancellationToken).ConfigureAwait(false);
        if (response is null)
        {
            // However old: a name-server outage says nothing about which brokers hold the topic, and a route that
            // shrank to this broker would move every FIFO message group to another queue, out of order.
            return cached is null ? new RouteLookup(null, RouteLookupOutcome.Unavailable) : new RouteLookup(cached.Route, RouteLookupOutcome.StaleCache);
        }

        if (response.Code == ResponseCode.TopicNotExist)
        {
            _cache.TryRemove(topic, out _);
            return new RouteLookup(null, RouteLookupOutcome.TopicNotExist);
        }

        if (response.Code != ResponseCode.Success)
        {
            LogUnexpectedAnswer(topic, response.Code, response.Remark);
            return new RouteLookup(cached?.Route, cached is null ? RouteLookupOutcome.Unavailable : RouteLookupOutcome.StaleCache);
        }

        var route = response.ReadBody<TopicRouteData>();
        _cache[topic] = new CachedRoute(route, time.GetUtcNow());
        return new RouteLookup(route, RouteLookupOutcome.NameServer);
    }

    /// <summary>Every cluster and broker the name servers know; null when none answers.</summary>
    public async Task<ClusterInfo?> GetClusterInfoAsync(CancellationToken cancellationToken)
    {
        var response = await AskAnyAsync(() => RemotingCommand.Request(RequestCode.GetBrokerClusterInfo), cancellationToken).ConfigureAwait(false);
        return response is { Code: ResponseCode.Success } ? response.ReadBody<ClusterInfo>() : null;
    }

    /// <summary>Asks the name servers in turn, starting with the one that answered last; null when none answers.</summary>
    private async Task<RemotingCommand?> AskAnyAsync(Func<RemotingCommand> request, CancellationToken cancellationToken)
    {
        var addresses = nameServers.Addresses;
        var start = Volatile.Read(ref _preferred);
        for (var i = 0; i < addresses.Count; i++)
        {
            var index = (start + i) % addresses.Count;
            try
            {
                var response = await client.InvokeAsync(addresses[index], request(), CallTimeout, cancellationToken).ConfigureAwait(false);
                Volatile.Write(ref _preferred, index);
                return response;
            }
            catch (RemotingException ex)
            {
                LogNameServerUnreachable(addresses[index], ex.Message);
            }
        }

        return null;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Name server {NameServer} did not answer: {Reason}; trying the next one")]
    private partial void LogNameServerUnreachable(string nameServer, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Name server answered the route of {Topic} with code {Code}: {Remark}")]
    private partial void LogUnexpectedAnswer(string topic, int code, string? remark);
}
