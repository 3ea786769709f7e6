using System.Collections.Concurrent;
using System.Collections.Frozen;
using RocketTax.RocketMQ.Remoting.Body;

namespace RocketTax.RocketMQ.Broker.Managers;

/// <summary>
/// <see cref="ClientManager"/>'s index of the subscriptions its consumers sent, by group and topic, so a 4.x pull that
/// carries no expression finds its group's without looking at any other client: per group, the consumers that subscribe
/// to something and, rebuilt whenever one of them changes, each topic's winning subscription (that of the consumer heard
/// from last). Lookups take no lock and allocate nothing; a change takes its group's lock, and rebuilds only when it
/// touches a subscriber.
/// </summary>
internal sealed class ConsumerSubscriptions
{
    private readonly ConcurrentDictionary<string, GroupSubscriptions> _groups = new(StringComparer.Ordinal);

    /// <summary>
    /// Takes what the client list now says of <paramref name="clientId"/> in <paramref name="group"/>. Every change of the
    /// list is followed by this, which reads the list under the group's lock: whichever of several racing changes reads last
    /// sees them all, so the index ends up as the list does.
    /// </summary>
    public void Refresh<TList>(string group, string clientId, TList list, Func<TList, ConnectedClient?> current)
    {
        var subscriptions = _groups.GetOrAdd(group, static _ => new GroupSubscriptions());
        lock (subscriptions.Members)
        {
            if (current(list) is { Subscriptions.Count: > 0 } client)
            {
                subscriptions.Members[clientId] = client;
            }
            else if (!subscriptions.Members.Remove(clientId))
            {
                // A consumer that subscribes to nothing and never did (a 5.x client, touched on each receive): nothing to redo.
                return;
            }

            subscriptions.Rebuild();
        }
    }

    /// <summary>The winning subscription of <paramref name="topic"/> in <paramref name="group"/>, unless its consumer was last heard from before <paramref name="cutoff"/>.</summary>
    /// <remarks>The winner is the latest-heard subscriber: when it has expired, every other subscriber of the topic has too.</remarks>
    public SubscriptionData? Find(string group, string topic, DateTimeOffset cutoff) =>
        _groups.TryGetValue(group, out var subscriptions) && subscriptions.ByTopic.TryGetValue(topic, out var winner) && winner.LastSeen >= cutoff
            ? winner.Subscription
            : null;

    private sealed class GroupSubscriptions
    {
        public Dictionary<string, ConnectedClient> Members { get; } = new(StringComparer.Ordinal);

        public FrozenDictionary<string, Winner> ByTopic { get; private set; } = FrozenDictionary<string, Winner>.Empty;

        /// <summary>Per topic, the subscription of the member heard from last; within one member, its first for the topic.</summary>
        public void Rebuild()
        {
            var byTopic = new Dictionary<string, Winner>(StringComparer.Ordinal);
            foreach (var (_, client) in Members)
            {
                foreach (var subscription in client.Subscriptions)
                {
                    if (!byTopic.TryGetValue(subscription.Topic, out var winner) || client.LastSeen > winner.LastSeen)
                    {
                        byTopic[subscription.Topic] = new Winner(subscription, client.LastSeen);
                    }
                }
            }

            ByTopic = byTopic.ToFrozenDictionary(StringComparer.Ordinal);
        }
    }

    private readonly record struct Winner(SubscriptionData Subscription, DateTimeOffset LastSeen);
}
