using System.Collections.Immutable;
using RocketTax.RocketMQ.Broker.Security;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// What an app's account may do on a cluster with access control: <see cref="Publish"/> grants PUB on a topic,
/// <see cref="Subscribe"/> SUB on a topic and on the consumer group that reads it. Everything else is denied.
/// </summary>
public sealed record RocketMQPermissions
{
    internal ImmutableSortedDictionary<string, AclPermission> Topics { get; private init; } = ImmutableSortedDictionary.Create<string, AclPermission>(StringComparer.Ordinal);

    internal ImmutableSortedDictionary<string, AclPermission> Groups { get; private init; } = ImmutableSortedDictionary.Create<string, AclPermission>(StringComparer.Ordinal);

    /// <summary>These permissions and PUB on <paramref name="topic"/>: send to it and query its route.</summary>
    public RocketMQPermissions Publish(string topic)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        return this with { Topics = Grant(Topics, topic, AclPermission.Pub) };
    }

    /// <summary>These permissions and SUB on <paramref name="topic"/> and <paramref name="consumerGroup"/>: receive, acknowledge, retry and dead-letter its messages.</summary>
    public RocketMQPermissions Subscribe(string topic, string consumerGroup)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        ArgumentException.ThrowIfNullOrWhiteSpace(consumerGroup);
        return this with { Topics = Grant(Topics, topic, AclPermission.Sub), Groups = Grant(Groups, consumerGroup, AclPermission.Sub) };
    }

    private static ImmutableSortedDictionary<string, AclPermission> Grant(
        ImmutableSortedDictionary<string, AclPermission> granted, string name, AclPermission permission) =>
        granted.SetItem(name, granted.GetValueOrDefault(name) | permission);
}
