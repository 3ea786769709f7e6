using RocketTax.RocketMQ.Remoting.Body;

namespace RocketTax.RocketMQ.Broker.Cluster;

/// <summary>A route as a name server last gave it, and when.</summary>
public sealed record CachedRoute(TopicRouteData Route, DateTimeOffset FetchedAt);
