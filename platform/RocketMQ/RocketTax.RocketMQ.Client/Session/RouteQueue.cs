using Apache.Rocketmq.V2;

namespace RocketTax.RocketMQ.Client.Session;

/// <summary>One queue of a topic's route: which broker holds it and where that broker listens.</summary>
internal sealed record RouteQueue(string BrokerName, int QueueId, EndpointAddress Endpoint, MessageQueue Protocol)
{
    public bool Writable => Protocol.Permission is Permission.Write or Permission.ReadWrite;

    public bool Readable => Protocol.Permission is Permission.Read or Permission.ReadWrite;
}
