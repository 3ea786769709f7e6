using System.Collections.Concurrent;
using RocketTax.RocketMQ.Broker.Configuration;
using RocketTax.RocketMQ.Remoting;
using RocketTax.RocketMQ.Remoting.Body;

namespace RocketTax.RocketMQ.Broker.Cluster;

/// <summary>
/// Routes of the whole cluster, read from the name servers (any one that answers) and cached: a route younger
/// than <see cref="FreshFor"/> is served without asking, and while no name server answers the last route one
/// gave is served, however long the outage lasts. A broker leaves a cached route only when every name server
/// that answers has lost it, so a name server just restarted, and not yet told of every broker, cannot shrink it.
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

        if (await AskAnyAsync(() => RouteRequest(topic), cancellationToken).ConfigureAwait(false) is not (var response, var answered))
        {
            // However old: a name-server outage says nothing about which brokers hold the topic, and a route that
            // shrank to this broker would move every FIFO message group to another queue, out of order.
            return cached is null ? new RouteLookup(null, RouteLookupOutcome.Unavailable) : new RouteLookup(cached.Route, RouteLookupOutcome.StaleCache);
        }

        if (response.Code is not (ResponseCode.Success or ResponseCode.TopicNotExist))
        {
            LogUnexpectedAnswer(topic, response.Code, response.Remark);
            return new RouteLookup(cached?.Route, cached is null ? RouteLookupOutcome.Unavailable : RouteLookupOutcome.StaleCache);
        }

        var route = response.Code == ResponseCode.Success ? response.ReadBody<TopicRouteData>() : null;
        if (cached is not null && LeavesOutBroker(cached.Route, route))
        {
            // A name server that restarted a moment ago knows only the brokers that registered with it since:
            // a broker leaves the route only when the other name servers have lost it too.
            route = await WithOtherAnswersAsync(topic, answered, route, cancellationToken).ConfigureAwait(false);
        }

        if (route is null)
        {
            _cache.TryRemove(topic, out _);
            return new RouteLookup(null, RouteLookupOutcome.TopicNotExist);
        }

        _cache[topic] = new CachedRoute(route, time.GetUtcNow());
        return new RouteLookup(route, RouteLookupOutcome.NameServer);
    }

    /// <summary>Every cluster and broker the name servers know; null when none answers.</summary>
    public async Task<ClusterInfo?> GetClusterInfoAsync(CancellationToken cancellationToken)
    {
        var answer = await AskAnyAsync(() => RemotingCommand.Request(RequestCode.GetBrokerClusterInfo), cancellationToken).ConfigureAwait(false);
        return answer is ({ Code: ResponseCode.Success } response, _) ? response.ReadBody<ClusterInfo>() : null;
    }

    private static RemotingCommand RouteRequest(string topic) =>
        RemotingCommand.Request(RequestCode.GetRouteInfoByTopic, new Dictionary<string, string> { ["topic"] = topic });

    private static bool LeavesOutBroker(TopicRouteData before, TopicRouteData? now) =>
        before.QueueDatas.Exists(q => now?.QueueDatas.Exists(n => n.BrokerName == q.BrokerName) != true);

    /// <summary><paramref name="route"/> with the brokers that the name servers other than <paramref name="answered"/> list for the topic.</summary>
    private async Task<TopicRouteData?> WithOtherAnswersAsync(string topic, int answered, TopicRouteData? route, CancellationToken cancellationToken)
    {
        var addresses = nameServers.Addresses;
        var others = Enumerable.Range(0, addresses.Count).Where(i => i != answered)
            .Select(i => TryAskAsync(addresses[i], RouteRequest(topic), cancellationToken));
        foreach (var response in await Task.WhenAll(others).ConfigureAwait(false))
        {
            if (response is { Code: ResponseCode.Success })
            {
                route = Union(route, response.ReadBody<TopicRouteData>());
            }
        }

        return route;
    }

    private static TopicRouteData Union(TopicRouteData? route, TopicRouteData other) => route is null ? other : route with
    {
        QueueDatas = [.. route.QueueDatas, .. other.QueueDatas.Where(q => !route.QueueDatas.Exists(r => r.BrokerName == q.BrokerName))],
        BrokerDatas = [.. route.BrokerDatas, .. other.BrokerDatas.Where(b => !route.BrokerDatas.Exists(r => r.BrokerName == b.BrokerName))],
    };

    /// <summary>Asks the name servers in turn, starting with the one that answered last; null when none answers.</summary>
    private async Task<(RemotingCommand Response, int NameServer)?> AskAnyAsync(Func<RemotingCommand> request, CancellationToken cancellationToken)
    {
        var addresses = nameServers.Addresses;
        var start = Volatile.Read(ref _preferred);
        for (var i = 0; i < addresses.Count; i++)
        {
            var index = (start + i) % addresses.Count;
            if (await TryAskAsync(addresses[index], request(), cancellationToken).ConfigureAwait(false) is { } response)
            {
                Volatile.Write(ref _preferred, index);
                return (response, index);
            }
        }

        return null;
    }

    private async Task<RemotingCommand?> TryAskAsync(string nameServer, RemotingCommand request, CancellationToken cancellationToken)
    {
        try
        {
            return await client.InvokeAsync(nameServer, request, CallTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (RemotingException ex)
        {
            LogNameServerUnreachable(nameServer, ex.Message);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Name server {NameServer} did not answer: {Reason}; trying the next one")]
    private partial void LogNameServerUnreachable(string nameServer, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Name server answered the route of {Topic} with code {Code}: {Remark}")]
    private partial void LogUnexpectedAnswer(string topic, int code, string? remark);
}
