using Apache.Rocketmq.V2;
using RocketTax.RocketMQ.Broker.Hosting;
using RocketTax.RocketMQ.Broker.Managers;

namespace RocketTax.RocketMQ.Broker.Grpc;

/// <summary>Builds the protocol's view of this broker's queues for routes and assignments.</summary>
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

        var scheme = System.Net.IPAddress.TryParse(host, out var ip)
            ? ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? AddressScheme.Ipv6 : AddressScheme.Ipv4
            : AddressScheme.DomainName;
        return new Apache.Rocketmq.V2.Broker
        {
            Name = identity.BrokerName,
            Id = 0,
            Endpoints = new Endpoints { Scheme = scheme, Addresses = { new Address { Host = host, Port = identity.GrpcPort } } },
        };
    }

    public static MessageQueue Queue(TopicConfig topic, int queueId, Apache.Rocketmq.V2.Broker broker) => new()
    {
        Topic = new Resource { Name = topic.Name },
        Id = queueId,
        Permission = Permission.ReadWrite,
        Broker = broker,
        AcceptMessageTypes = { AcceptedType(topic.MessageType) },
    };

    public static MessageType AcceptedType(TopicMessageType type) => type switch
    {
        TopicMessageType.Fifo => MessageType.Fifo,
        TopicMessageType.Delay => MessageType.Delay,
        TopicMessageType.Transaction => MessageType.Transaction,
        _ => MessageType.Normal,
    };
}
