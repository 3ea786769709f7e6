using Apache.Rocketmq.V2;
using RocketTax.RocketMQ.Broker.Managers;

namespace RocketTax.RocketMQ.Broker.Grpc.Handlers;

/// <summary>Heartbeat: keeps the client listed as online for consumer views.</summary>
public sealed class HeartbeatHandler(ClientManager clients)
{
    public HeartbeatResponse Handle(HeartbeatRequest request, ClientMetadata metadata)
    {
        if (RequestGuard.ClientId(metadata) is { } invalid)
        {
            return new HeartbeatResponse { Status = invalid };
        }

        clients.Touch(metadata.ClientId!, request.ClientType, request.Group?.Name is { Length: > 0 } group ? group : null, metadata.Language);
        return new HeartbeatResponse { Status = Statuses.Ok() };
    }
}
