using RocketTax.RocketMQ.Remoting.Body;

namespace RocketTax.RocketMQ.Broker.Cluster;

/// <summary>The answer of <see cref="ClusterRouteService.GetRouteAsync"/>: a route when there is one, and where it came from.</summary>
public sealed record RouteLookup(TopicRouteData? Route, RouteLookupOutcome Outcome);
