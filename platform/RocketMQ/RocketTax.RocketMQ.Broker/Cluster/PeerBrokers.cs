using System.Collections.Concurrent;
using System.Globalization;
using Apache.Rocketmq.V2;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Primitives;
using RocketTax.RocketMQ.Broker.Grpc;

namespace RocketTax.RocketMQ.Broker.Cluster;

/// <summary>
/// gRPC clients of the other masters, found by name in a topic's cluster route, for the calls a client may send
/// to its access point although another master holds what they name (as a RocketMQ proxy routes them). A call
/// passed on carries the caller's <c>x-mq-*</c> and <c>authorization</c> headers, and a mark that stops it from
/// being passed on again; <see cref="PeerTransport"/> decides between TLS and plaintext.
/// </summary>
public sealed class PeerBrokers(ClusterRouteService routes, MessageQueues queues, PeerTransport transport) : IDisposable
{
    /// <summary>Set on a call one broker passes on to another.</summary>
    public const string ForwardedByHeader = "x-mq-forwarded-by";

    private readonly ConcurrentDictionary<string, GrpcChannel> _channels = new(StringComparer.Ordinal);

    /// <summary>False for a call another broker passed on already: it is answered here, whatever it names.</summary>
    public static bool MayForward(CallHeaders headers) => string.IsNullOrEmpty(headers[ForwardedByHeader]);

    /// <summary>A client of the master named <paramref name="brokerName"/> in the route of <paramref name="topic"/>; null when the route names none.</summary>
    public async Task<MessagingService.MessagingServiceClient?> FindAsync(string topic, string brokerName, CancellationToken cancellationToken)
    {
        if (!routes.Enabled || (await routes.GetRouteAsync(topic, refresh: false, cancellationToken).ConfigureAwait(false)).Route is not { } route)
        {
            return null;
        }

        var broker = queues.ClusterBrokers(route, dialled: null).FirstOrDefault(b => b.Name == brokerName);
        if (broker?.Endpoints.Addresses.FirstOrDefault() is not { } address)
        {
            return null;
        }

        var authority = $"{address.Host}:{address.Port.ToString(CultureInfo.InvariantCulture)}";
        return new MessagingService.MessagingServiceClient(_channels.GetOrAdd(authority, static (_, peer) => peer.Transport.Open(peer.Address), (Transport: transport, Address: address)));
    }

    /// <summary>The caller's headers a peer needs (client identity, signature), marked as passed on by <paramref name="self"/>.</summary>
    public static Metadata ForwardedHeaders(CallHeaders caller, string self)
    {
        var headers = new Metadata();
        foreach (var (key, value) in caller.All())
        {
            if (key.StartsWith("x-mq-", StringComparison.OrdinalIgnoreCase) || key.Equals("authorization", StringComparison.OrdinalIgnoreCase))
            {
                headers.Add(key, value);
            }
        }

        headers.Add(ForwardedByHeader, self);
        return headers;
    }

    public void Dispose()
    {
        foreach (var channel in _channels.Values)
        {
            channel.Dispose();
        }
    }
}
