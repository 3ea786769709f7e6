using System.Globalization;
using Apache.Rocketmq.V2;
using RocketTax.RocketMQ.Broker.Hosting;
using RocketTax.RocketMQ.Broker.Managers;
using RocketTax.RocketMQ.Remoting.Body;

namespace RocketTax.RocketMQ.Broker.Grpc;

/// <summary>Builds the protocol's view of queues for routes and assignments: this broker's, or the whole cluster's.</summary>
public sealed class MessageQueues(BrokerIdentity identity)
{
    /// <summary>This broker as a route entry; its endpoint is the host the client dialled unless <c>brokerIP1</c> is set.</summary>
    public Apache.Rocketmq.V2.Broker Self(Endpoints? dialled)
    {
        var host = identity.AdvertisedHost;
        if (!identity.AdvertisedHostConfigured && dialled?.Addresses.Count > 0)
        {
            host = dialled.Addresses[0].Host;
        }

        return BrokerEntry(identity.BrokerName, host, identity.GrpcPort);
    }

    /// <summary>
    /// Every queue of a cluster route, each naming its own broker's gRPC endpoint: the one the broker registered
    /// (<c>grpcAddrs</c>), else its remoting host with this broker's gRPC port (a Java name server knows no gRPC
    /// endpoints, and RocketMQ 5 proxies then assume the same port everywhere).
    /// </summary>
    public IEnumerable<MessageQueue> ClusterQueues(string topic, TopicRouteData route, TopicMessageType type, Endpoints? dialled)
    {
        foreach (var queueData in route.QueueDatas.OrderBy(q => q.BrokerName, StringComparer.Ordinal))
        {
            var broker = queueData.BrokerName == identity.BrokerName
                ? Self(dialled)
                : route.BrokerDatas.FirstOrDefault(b => b.BrokerName == queueData.BrokerName) is { } data ? Remote(data) : null;
            if (broker is null)
            {
                continue;
            }

            var count = Math.Max(queueData.ReadQueueNums, queueData.WriteQueueNums);
            for (var queueId = 0; queueId < count; queueId++)
            {
                var perm = (queueId < queueData.ReadQueueNums ? queueData.Perm & 4 : 0) | (queueId < queueData.WriteQueueNums ? queueData.Perm & 2 : 0);
                yield return Queue(topic, queueId, broker, PermissionOf(perm), type);
            }
        }
    }

    /// <summary>One entry per broker of the route holding the topic, for assignments (queue id -1: the whole broker).</summary>
    public IEnumerable<Apache.Rocketmq.V2.Broker> ClusterBrokers(TopicRouteData route, Endpoints? dialled)
    {
        foreach (var queueData in route.QueueDatas.OrderBy(q => q.BrokerName, StringComparer.Ordinal))
        {
            if (queueData.BrokerName == identity.BrokerName)
            {
                yield return Self(dialled);
            }
            else if (route.BrokerDatas.FirstOrDefault(b => b.BrokerName == queueData.BrokerName) is { } data && Remote(data) is { } broker)
            {
                yield return broker;
            }
        }
    }

    public static MessageQueue Queue(TopicConfig topic, int queueId, Apache.Rocketmq.V2.Broker broker) =>
        Queue(topic.Name, queueId, broker, PermissionOf(topic.Perm), topic.MessageType);

    public static MessageQueue Queue(string topic, int queueId, Apache.Rocketmq.V2.Broker broker, Permission permission, TopicMessageType type) => new()
    {
        Topic = new Resource { Name = topic },
        Id = queueId,
        Permission = permission,
        Broker = broker,
        AcceptMessageTypes = { AcceptedType(type) },
    };

    public static MessageType AcceptedType(TopicMessageType type) => type switch
    {
        TopicMessageType.Fifo => MessageType.Fifo,
        TopicMessageType.Delay => MessageType.Delay,
        TopicMessageType.Transaction => MessageType.Transaction,
        _ => MessageType.Normal,
    };

    /// <summary>RocketMQ's permission bits (4 read, 2 write) as the protocol's enum.</summary>
    public static Permission PermissionOf(int perm) => (perm & 6) switch
    {
        6 => Permission.ReadWrite,
        4 => Permission.Read,
        2 => Permission.Write,
        _ => Permission.None,
    };

    private Apache.Rocketmq.V2.Broker? Remote(BrokerData data)
    {
        if (data.GrpcAddrs?.GetValueOrDefault(0) is { } grpc && SplitHostPort(grpc) is var (host, port))
        {
            return BrokerEntry(data.BrokerName, host, port);
        }

        if (data.BrokerAddrs.GetValueOrDefault(0) is { } remoting && SplitHostPort(remoting) is var (remotingHost, _))
        {
            return BrokerEntry(data.BrokerName, remotingHost, identity.GrpcPort);
        }

        return null;
    }

    private static (string Host, int Port)? SplitHostPort(string address)
    {
        var colon = address.LastIndexOf(':');
        return colon > 0 && int.TryParse(address[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            ? (address[..colon], port)
            : null;
    }

    private static Apache.Rocketmq.V2.Broker BrokerEntry(string name, string host, int port)
    {
        var scheme = System.Net.IPAddress.TryParse(host, out var ip)
            ? ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? AddressScheme.Ipv6 : AddressScheme.Ipv4
            : AddressScheme.DomainName;
        return new Apache.Rocketmq.V2.Broker
        {
            Name = name,
            Id = 0,
            Endpoints = new Endpoints { Scheme = scheme, Addresses = { new Address { Host = host, Port = port } } },
        };
    }
}
