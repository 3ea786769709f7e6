using Apache.Rocketmq.V2;
using RocketTax.RocketMQ.Broker.Remoting;
using RocketTax.RocketMQ.Remoting;
using RocketTax.RocketMQ.Remoting.Body;

namespace RocketTax.RocketMQ.Broker.Managers;

/// <summary>
/// <c>HEART_BEAT</c> and <c>UNREGISTER_CLIENT</c> of RocketMQ 4.x clients on the remoting port (RocketMQ's
/// <c>ClientManageProcessor</c>). A heartbeat lists the client in each of its producer and consumer groups for
/// <see cref="ClientManager.Expiry"/>, so <c>mqadmin consumerConnection</c> and the console show 4.x consumers beside
/// gRPC ones; an unregister, sent when the client shuts a producer or consumer down, takes it off that group at once.
/// </summary>
public sealed class ClientManageProcessor(ClientManager clients) : IRemotingRequestProcessor
{
    /// <summary>A push consumer's <c>consumeType</c>; anything else pulls.</summary>
    public const string ConsumePassively = "CONSUME_PASSIVELY";

    public IReadOnlyCollection<int> RequestCodes { get; } = [RequestCode.HeartBeat, RequestCode.UnregisterClient];

    public ValueTask<RemotingCommand> ProcessAsync(RemotingCommand request, string peer, CancellationToken cancellationToken)
    {
        if (request.Code == RequestCode.HeartBeat)
        {
            HeartBeat(request, peer);
        }
        else
        {
            Unregister(request);
        }

        return ValueTask.FromResult(RemotingCommand.Response(request, ResponseCode.Success));
    }

    private void HeartBeat(RemotingCommand request, string peer)
    {
        var heartbeat = request.ReadBody<HeartbeatData>();
        if (string.IsNullOrEmpty(heartbeat.ClientId))
        {
            throw new RemotingProtocolException($"request code {request.Code} needs a clientID in its HeartbeatData body");
        }

        foreach (var producer in heartbeat.ProducerDataSet)
        {
            Touch(request, peer, heartbeat.ClientId, ClientType.Producer, producer.GroupName, messageModel: null, subscriptions: []);
        }

        foreach (var consumer in heartbeat.ConsumerDataSet)
        {
            // The consumer views know push (passive) and the rest (active); a 4.x pull consumer is active as a simple one is.
            var type = consumer.ConsumeType == ConsumePassively ? ClientType.PushConsumer : ClientType.SimpleConsumer;
            Touch(request, peer, heartbeat.ClientId, type, consumer.GroupName, consumer.MessageModel, consumer.SubscriptionDataSet);
        }
    }

    private void Touch(
        RemotingCommand request, string peer, string clientId, ClientType type, string? group, string? messageModel, IReadOnlyList<SubscriptionData> subscriptions)
    {
        if (!string.IsNullOrEmpty(group))
        {
            clients.Touch(new ConnectedClient(clientId, type, group, request.Language, LastSeen: default)
            {
                Address = peer,
                Version = request.Version,
                MessageModel = messageModel,
                Subscriptions = subscriptions,
            });
        }
    }

    private void Unregister(RemotingCommand request)
    {
        var clientId = request.Field("clientID");
        if (string.IsNullOrEmpty(clientId))
        {
            throw new RemotingProtocolException($"request code {request.Code} needs the header field 'clientID'");
        }

        if (request.Field("producerGroup") is { Length: > 0 } producerGroup)
        {
            clients.RemoveProducer(clientId, producerGroup);
        }

        if (request.Field("consumerGroup") is { Length: > 0 } consumerGroup)
        {
            clients.RemoveConsumer(clientId, consumerGroup);
        }
    }
}
