using Apache.Rocketmq.V2;
using RocketTax.RocketMQ.Broker.Remoting;
using RocketTax.RocketMQ.Remoting;
using RocketTax.RocketMQ.Remoting.Body;

namespace RocketTax.RocketMQ.Broker.Managers;

/// <summary>
/// <c>GET_CONSUMER_CONNECTION_LIST</c>: the clients of a consumer group this broker heard from recently,
/// as <c>mqadmin consumerConnection</c> and the console show them; <c>CONSUMER_NOT_ONLINE</c> when there are none.
/// </summary>
public sealed class ConsumerConnectionProcessor(ClientManager clients) : IRemotingRequestProcessor
{
    public IReadOnlyCollection<int> RequestCodes { get; } = [RequestCode.GetConsumerConnectionList];

    public ValueTask<RemotingCommand> ProcessAsync(RemotingCommand request, string peer, CancellationToken cancellationToken)
    {
        var group = request.Field("consumerGroup");
        if (string.IsNullOrEmpty(group))
        {
            throw new RemotingProtocolException($"request code {request.Code} needs the header field 'consumerGroup'");
        }

        var online = clients.Online().Where(c => c.Group == group && c.Type != ClientType.Producer).OrderBy(c => c.ClientId, StringComparer.Ordinal).ToList();
        if (online.Count == 0)
        {
            return ValueTask.FromResult(RemotingCommand.Response(request, ResponseCode.ConsumerNotOnline,
                $"no client of consumer group {group} is online on this broker"));
        }

        var body = new ConsumerConnectionBody
        {
            ConnectionSet =
            [
                .. online.Select(c => new ConnectionBody
                {
                    ClientId = c.ClientId, ClientAddr = c.Address ?? string.Empty, Language = c.Language ?? string.Empty, Version = c.Version,
                }),
            ],
            ConsumeType = online.Any(c => c.Type == ClientType.PushConsumer) ? ClientManageProcessor.ConsumePassively : "CONSUME_ACTIVELY",
            // gRPC consumers cluster; a 4.x consumer says which model it uses.
            MessageModel = online.Select(c => c.MessageModel).FirstOrDefault(m => m is not null) ?? "CLUSTERING",
        };
        return ValueTask.FromResult(RemotingCommand.JsonResponse(request, body));
    }
}
