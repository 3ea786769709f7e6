using System.Diagnostics;
using Grpc.Core;
using RocketTax.RocketMQ.Broker.Diagnostics;

namespace RocketTax.RocketMQ.Broker.Grpc;

/// <summary>
/// The <c>x-mq-*</c> request headers every official client sends, and the caller's W3C trace context
/// (<c>traceparent</c>), which the broker's spans continue when a message carries none.
/// </summary>
public sealed record ClientMetadata(string? ClientId, string? Language, string? Version, string? Namespace, string Peer, ActivityContext CallerContext = default)
{
    public static ClientMetadata From(ServerCallContext context)
    {
        var headers = CallHeaders.Of(context);
        return new ClientMetadata(
            NullIfBlank(headers["x-mq-client-id"]),
            NullIfBlank(headers["x-mq-language"]),
            NullIfBlank(headers["x-mq-client-version"]),
            NullIfBlank(headers["x-mq-namespace"]),
            PeerAddress(context.Peer),
            MessageTraceContext.Parse(headers[MessageTraceContext.TraceParent], headers[MessageTraceContext.TraceState]));
    }

    /// <summary>The client's <c>host:port</c> from gRPC's peer string (<c>ipv4:1.2.3.4:5</c>, <c>ipv6:[::1]:5</c>).</summary>
    private static string PeerAddress(string? peer)
    {
        if (string.IsNullOrEmpty(peer))
        {
            return "unknown";
        }

        var colon = peer.IndexOf(':');
        return colon > 0 && peer.StartsWith("ipv", StringComparison.Ordinal) ? peer[(colon + 1)..] : peer;
    }

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
