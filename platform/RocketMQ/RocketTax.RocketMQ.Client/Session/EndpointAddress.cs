using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Apache.Rocketmq.V2;

namespace RocketTax.RocketMQ.Client.Session;

/// <summary>One gRPC endpoint, <c>host:port</c>.</summary>
internal sealed record EndpointAddress(string Host, int Port)
{
    /// <summary>Parses <c>host:port;host:port</c> (an <c>http://</c> or <c>https://</c> prefix is tolerated).</summary>
    public static IReadOnlyList<EndpointAddress> ParseList(string? endpoints, string parameterName)
    {
        if (string.IsNullOrWhiteSpace(endpoints))
        {
            throw new ArgumentException("No endpoints are set: give the gRPC endpoints as 'host:port;host:port', e.g. '127.0.0.1:8081'.", parameterName);
        }

        var list = new List<EndpointAddress>();
        foreach (var part in endpoints.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            list.Add(Parse(part, parameterName));
        }

        return list.Count > 0 ? list : throw new ArgumentException($"The endpoints '{endpoints}' name no endpoint.", parameterName);
    }

    private static EndpointAddress Parse(string text, string parameterName)
    {
        var value = text;
        foreach (var scheme in new[] { "http://", "https://" })
        {
            if (value.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
            {
                value = value[scheme.Length..].TrimEnd('/');
            }
        }

        var colon = value.LastIndexOf(':');
        if (colon <= 0 || colon == value.Length - 1
            || !int.TryParse(value.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw new ArgumentException($"The endpoint '{text}' is not 'host:port' with a port from 1 to 65535.", parameterName);
        }

        var host = value[..colon].Trim('[', ']');
        return string.IsNullOrWhiteSpace(host)
            ? throw new ArgumentException($"The endpoint '{text}' has no host.", parameterName)
            : new EndpointAddress(host, port);
    }

    /// <summary>The first address of a protocol endpoint list (brokers advertise one).</summary>
    public static EndpointAddress FromProtocol(Endpoints endpoints) =>
        endpoints.Addresses.Count == 0
            ? throw new RocketMQException("The broker advertised a route without an address; check its brokerIP1 setting.")
            : new EndpointAddress(endpoints.Addresses[0].Host, endpoints.Addresses[0].Port);

    /// <summary>The protocol form of a list of endpoints.</summary>
    public static Endpoints ToProtocol(IReadOnlyList<EndpointAddress> addresses)
    {
        var endpoints = new Endpoints
        {
            Scheme = IPAddress.TryParse(addresses[0].Host, out var ip)
                ? ip.AddressFamily == AddressFamily.InterNetworkV6 ? AddressScheme.Ipv6 : AddressScheme.Ipv4
                : AddressScheme.DomainName,
        };
        foreach (var address in addresses)
        {
            endpoints.Addresses.Add(new Address { Host = address.Host, Port = address.Port });
        }

        return endpoints;
    }

    /// <summary>The URI a gRPC channel dials.</summary>
    public Uri ToUri(bool tls)
    {
        var host = Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host;
        return new Uri($"{(tls ? "https" : "http")}://{host}:{Port.ToString(CultureInfo.InvariantCulture)}");
    }

    /// <summary><c>host:port</c>.</summary>
    public override string ToString() => Host.Contains(':', StringComparison.Ordinal)
        ? $"[{Host}]:{Port.ToString(CultureInfo.InvariantCulture)}"
        : $"{Host}:{Port.ToString(CultureInfo.InvariantCulture)}";
}
