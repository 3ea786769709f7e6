using Apache.Rocketmq.V2;
using RocketTax.RocketMQ.Broker.Managers;

namespace RocketTax.RocketMQ.Broker.Grpc.Handlers;

/// <summary>NotifyClientTermination: forgets the client. Always OK: official clients fail their shutdown otherwise.</summary>
public sealed class NotifyClientTerminationHandler(ClientManager clients, ILogger<NotifyClientTerminationHandler> logger)
{
    public NotifyClientTerminationResponse Handle(NotifyClientTerminationRequest request, ClientMetadata metadata)
    {
        if (metadata.ClientId is { } clientId)
        {
            clients.Remove(clientId);
            logger.LogDebug("Client {ClientId} of group {Group} terminated", clientId, request.Group?.Name);
        }

        return new NotifyClientTerminationResponse { Status = Statuses.Ok() };
    }
}
