using System.Globalization;
using RocketTax.RocketMQ.Broker.Hosting;
using RocketTax.RocketMQ.Broker.Managers;
using RocketTax.RocketMQ.Broker.Remoting;
using RocketTax.RocketMQ.Broker.Store;
using RocketTax.RocketMQ.Remoting;

namespace RocketTax.RocketMQ.Broker.Cluster;

/// <summary>
/// <c>SEND_MESSAGE</c> over remoting (RocketMQ's <c>SendMessageProcessor</c>, header fields of
/// <c>SendMessageRequestHeader</c>): how operator tools such as the console resend a dead-lettered message.
/// The message is stored as it comes; timer and transaction properties are not interpreted on this path.
/// </summary>
public sealed partial class SendMessageProcessor(TopicManager topics, IMessageStore store, BrokerIdentity identity, ILogger<SendMessageProcessor> logger)
    : IRemotingRequestProcessor
{
    private int _nextQueue;

    public IReadOnlyCollection<int> RequestCodes { get; } = [RequestCode.SendMessage];

    public async ValueTask<RemotingCommand> ProcessAsync(RemotingCommand request, string peer, CancellationToken cancellationToken)
    {
        var name = request.Field("topic");
        if (ResourceNames.ValidateTopic(name) is { } invalid)
        {
            return RemotingCommand.Response(request, ResponseCode.MessageIllegal, invalid);
        }

        if (topics.GetOrAutoCreate(name!) is not { } topic)
        {
            return RemotingCommand.Response(request, ResponseCode.TopicNotExist,
                $"topic '{name}' does not exist on {identity.BrokerName} (create it with 'mqadmin updateTopic -c <cluster> -t {name}')");
        }

        if (request.Body is not { Length: > 0 } body)
        {
            return RemotingCommand.Response(request, ResponseCode.MessageIllegal, "the message body is empty");
        }

        var properties = MessagePropertiesCodec.Decode(request.Field("properties"));
        var queueId = int.TryParse(request.Field("queueId"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var asked) && asked >= 0 && asked < topic.QueueCount
            ? asked
            : (int)((uint)Interlocked.Increment(ref _nextQueue) % (uint)topic.QueueCount);
        var bornTimestamp = long.TryParse(request.Field("bornTimestamp"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var born) ? born : 0;
        var reconsumeTimes = int.TryParse(request.Field("reconsumeTimes"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var times) ? times : 0;
        var record = new MessageRecord(topic.Name, queueId, properties.GetValueOrDefault(MessageProperties.Tags), properties, body, bornTimestamp, peer, reconsumeTimes);

        PutResult result;
        try
        {
            result = (await store.PutSendAsync([record], cancellationToken).ConfigureAwait(false))[0];
        }
        catch (StoreBusyException ex)
        {
            return RemotingCommand.Response(request, ResponseCode.SystemBusy, $"{identity.BrokerName}: {ex.Message}");
        }

        var offsetId = MessageIds.OffsetMessageId(identity.RemotingAddress, result.CommitLogOffset);
        LogStored(topic.Name, queueId, result.QueueOffset, peer);
        var response = RemotingCommand.Response(request, ResponseCode.Success);
        response.ExtFields = new Dictionary<string, string>
        {
            ["msgId"] = properties.GetValueOrDefault(MessageProperties.MessageId) ?? offsetId ?? string.Empty,
            ["queueId"] = queueId.ToString(CultureInfo.InvariantCulture),
            ["queueOffset"] = result.QueueOffset.ToString(CultureInfo.InvariantCulture),
        };
        return response;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Stored a message sent over remoting to {Topic} queue {QueueId} offset {Offset} from {Peer}")]
    private partial void LogStored(string topic, int queueId, long offset, string peer);
}
