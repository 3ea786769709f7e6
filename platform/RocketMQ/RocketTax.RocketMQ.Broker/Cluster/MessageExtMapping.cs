using System.Net;
using RocketTax.RocketMQ.Broker.Store;
using RocketTax.RocketMQ.Remoting.Messages;

namespace RocketTax.RocketMQ.Broker.Cluster;

/// <summary>From a message of this broker's store to RocketMQ's <see cref="MessageExt"/>, the form remoting tools read.</summary>
public static class MessageExtMapping
{
    private const int Crc31Mask = 0x7FFFFFFF;

    public static MessageExt ToMessageExt(StoredMessage message) => new()
    {
        Topic = message.Topic,
        QueueId = message.QueueId,
        Flag = message.Flag,
        QueueOffset = message.QueueOffset,
        CommitLogOffset = message.CommitLogOffset,
        // RocketMQ keeps 31 bits of the CRC-32, and its clients compare against that.
        BodyCrc = (int)(message.BodyCrc & Crc31Mask),
        BornTimestamp = message.BornTimestamp,
        BornHost = EndPoint(message.BornHost),
        StoreTimestamp = message.StoreTimestamp,
        StoreHost = EndPoint(message.StoreHost),
        ReconsumeTimes = message.ReconsumeTimes,
        Properties = message.Properties,
        Body = message.Body,
    };

    /// <summary>
    /// A host as the store recorded it (<c>ip:port</c>, a gRPC peer such as <c>ipv4:10.0.0.5:51234</c> or
    /// <c>ipv6:%5B::1%5D:51234</c>, or a bare address) as an address and port; 0.0.0.0:0 for a host name, which the
    /// binary form cannot carry.
    /// </summary>
    public static IPEndPoint EndPoint(string host)
    {
        var text = Uri.UnescapeDataString(host);
        if (text.StartsWith("ipv4:", StringComparison.Ordinal) || text.StartsWith("ipv6:", StringComparison.Ordinal))
        {
            text = text[5..];
        }

        if (!IPEndPoint.TryParse(text, out var endPoint))
        {
            return new IPEndPoint(IPAddress.Any, 0);
        }

        return endPoint.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(endPoint.Address.MapToIPv4(), endPoint.Port) : endPoint;
    }
}
