using System.Collections.Concurrent;
using Apache.Rocketmq.V2;
using RocketTax.RocketMQ.Remoting.Body;

namespace RocketTax.RocketMQ.Broker.Managers;

/// <summary>
/// The producers and consumers connected to this broker, from their Telemetry settings and heartbeats (gRPC) and
/// their <c>HEART_BEAT</c>s (remoting), one entry per client and group; a producer group and a consumer group of the same
/// name are separate entries, as RocketMQ keeps the two apart.
/// </summary>
public sealed class ClientManager(TimeProvider time)
{
    /// <summary>A client not heard from for this long is no longer listed (RocketMQ's channel expiry; 4.x clients beat every 30 s).</summary>
    public static readonly TimeSpan Expiry = TimeSpan.FromMinutes(2);

    private readonly ConcurrentDictionary<ClientKey, ConnectedClient> _clients = new();
    private readonly ConsumerSubscriptions _subscriptions = new();

    public void Touch(string clientId, ClientType type, string? group, string? language)
    {
        var now = time.GetUtcNow();
        var key = new ClientKey(clientId, group, type == ClientType.Producer);
        _clients.AddOrUpdate(
            key,
            _ => new ConnectedClient(clientId, type, group, language, now),
            (_, existing) => existing with
            {
                Type = type == ClientType.Unspecified ? existing.Type : type,
                Language = language ?? existing.Language,
                LastSeen = now,
            });
        Changed(key);
    }

    /// <summary>Lists <paramref name="client"/> in its group as heard from now, replacing what was known of it there.</summary>
    public void Touch(ConnectedClient client)
    {
        var key = new ClientKey(client.ClientId, client.Group, client.Type == ClientType.Producer);
        _clients[key] = client with { LastSeen = time.GetUtcNow() };
        Changed(key);
    }

    /// <summary>Forgets the client in every group (it terminated).</summary>
    public void Remove(string clientId)
    {
        foreach (var (key, _) in _clients)
        {
            if (key.ClientId == clientId && _clients.TryRemove(key, out _))
            {
                Changed(key);
            }
        }
    }

    /// <summary>Forgets the client in one producer group (it shut that producer down).</summary>
    public void RemoveProducer(string clientId, string group) => _clients.TryRemove(new ClientKey(clientId, group, true), out _);

    /// <summary>Forgets the client in one consumer group (it shut that consumer down).</summary>
    public void RemoveConsumer(string clientId, string group)
    {
        var key = new ClientKey(clientId, group, false);
        if (_clients.TryRemove(key, out _))
        {
            Changed(key);
        }
    }

    /// <summary>
    /// The subscription of <paramref name="topic"/> the live consumers of <paramref name="group"/> sent in their heartbeats
    /// (the latest heartbeat's, should they differ), or null when none subscribes to it: how a 4.x push consumer, which
    /// pulls without its expression, is filtered. Looked up in the group's index: no scan, no allocation.
    /// </summary>
    public SubscriptionData? Subscription(string group, string topic) => _subscriptions.Find(group, topic, time.GetUtcNow() - Expiry);

    /// <summary>Client ids of the live consumers of <paramref name="group"/>.</summary>
    public IReadOnlyList<string> ConsumerIds(string group) =>
        [.. Online().Where(client => client.Type != ClientType.Producer && client.Group == group).Select(client => client.ClientId).Distinct().Order(StringComparer.Ordinal)];

    /// <summary>Clients heard from within <see cref="Expiry"/>.</summary>
    public IReadOnlyList<ConnectedClient> Online()
    {
        var cutoff = time.GetUtcNow() - Expiry;
        var online = new List<ConnectedClient>();
        foreach (var entry in _clients)
        {
            if (entry.Value.LastSeen >= cutoff)
            {
                online.Add(entry.Value);
            }
            else if (_clients.TryRemove(entry))
            {
                // Only the entry seen expired: one a heartbeat has just renewed stays.
                Changed(entry.Key);
            }
        }

        return online;
    }

    /// <summary>Brings the subscription index up to date after a consumer's entry changed.</summary>
    private void Changed(ClientKey key)
    {
        if (!key.Producer && key.Group is { } group)
        {
            _subscriptions.Refresh(group, key.ClientId, (_clients, key), static list => list._clients.GetValueOrDefault(list.key));
        }
    }

    private readonly record struct ClientKey(string ClientId, string? Group, bool Producer);
}
