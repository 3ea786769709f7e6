namespace RocketTax.RocketMQ.Broker.Cluster;

/// <summary>Where a route came from, or why there is none.</summary>
public enum RouteLookupOutcome
{
    /// <summary>A name server answered with the route just now (or within the freshness window).</summary>
    NameServer,

    /// <summary>No name server answered; the route is the last one a name server gave.</summary>
    StaleCache,

    /// <summary>A name server answered TOPIC_NOT_EXIST: no broker of the cluster serves the topic.</summary>
    TopicNotExist,

    /// <summary>No name server answered and no usable cached route exists.</summary>
    Unavailable,
}
