using System.Collections.Concurrent;
using Apache.Rocketmq.V2;

namespace RocketTax.RocketMQ.Broker.Managers;

/// <summary>The producers and consumers connected to this broker, from their Telemetry settings and heartbeats.</summary>
public sealed class ClientManager(TimeProvider time)
{
    /// <summary>A client not heard from for this long is no longer listed.</summary>
    public static readonly TimeSpan Expiry = TimeSpan.FromMinutes(2);

    private readonly ConcurrentDictionary<string, ConnectedClient> _clients = new(StringComparer.Ordinal);

    public void Touch(string clientId, ClientType type, string? group, string? language)
    {
        var now = time.GetUtcNow();
        _clients.AddOrUpdate(
            clientId,
            _ => new ConnectedClient(clientId, type, group, language, now),
            (_, existing) => existing with
            {
                Type = type == ClientType.Unspecified ? existing.Type : type,
                Group = group ?? existing.Group,
                Language = language ?? existing.Language,
                LastSeen = now,
            });
    }

    public void Remove(string clientId) => _clients.TryRemove(clientId, out _);

    /// <summary>Clients heard from within <see cref="Expiry"/>.</summary>
    public IReadOnlyList<ConnectedClient> Online()
    {
        var cutoff = time.GetUtcNow() - Expiry;
        var online = new List<ConnectedClient>();
        foreach (var client in _clients.Values)
        {
            if (client.LastSeen >= cutoff)
            {
                online.Add(client);
            }
            else
            {
                _clients.TryRemove(client.ClientId, out _);
            }
        }

        return online;
    }
}
