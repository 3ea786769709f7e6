namespace Aspire.Hosting.ApplicationModel;

/// <summary>Where an AppHost's RocketMQ cluster runs.</summary>
public enum RocketMQMode
{
    /// <summary>RocketTax's own broker executable (<c>rocketmq.dll</c>), one process per name server and broker.</summary>
    Embedded,

    /// <summary>One container per name server and broker, from <c>apache/rocketmq</c> or an image that takes its commands.</summary>
    Container,

    /// <summary>No broker is started; <c>ConnectionStrings:rocketmq</c> names the gRPC endpoints of an existing RocketMQ 5.x cluster.</summary>
    External,
}
