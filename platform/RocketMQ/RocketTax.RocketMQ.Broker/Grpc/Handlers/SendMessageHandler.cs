using Apache.Rocketmq.V2;
using RocketTax.RocketMQ.Broker.Configuration;
using RocketTax.RocketMQ.Broker.Managers;
using RocketTax.RocketMQ.Broker.Store;

namespace RocketTax.RocketMQ.Broker.Grpc.Handlers;

/// <summary>SendMessage: validates every message of the request, then appends them all or none.</summary>
public sealed class SendMessageHandler(TopicManager topics, IMessageStore store, BrokerConfig config, ILogger<SendMessageHandler> logger)
{
    private int _roundRobin;

    public async Task<SendMessageResponse> HandleAsync(SendMessageRequest request, ClientMetadata metadata, CancellationToken cancellationToken)
    {
        if (RequestGuard.ClientId(metadata) is { } noClient)
        {
            return Refuse(request, noClient);
        }

        if (request.Messages.Count == 0)
        {
            return Refuse(request, Statuses.Of(Code.BadRequest, "the request carries no messages"));
        }

        var topicName = request.Messages[0].Topic?.Name;
        if (RequestGuard.Topic(request.Messages[0].Topic) is { } badTopic)
        {
            return Refuse(request, badTopic);
        }

        foreach (var message in request.Messages)
        {
            if (message.Topic?.Name != topicName)
            {
                return Refuse(request, Statuses.Of(Code.BadRequest, "all messages of one send must share a topic"));
            }
        }

        var topic = topics.GetOrAutoCreate(topicName!);
        if (topic is null)
        {
            return Refuse(request, RequestGuard.TopicNotFound(topicName!));
        }

        var records = new MessageRecord[request.Messages.Count];
        for (var i = 0; i < records.Length; i++)
        {
            var message = request.Messages[i];
            var queueId = message.SystemProperties?.QueueId ?? -1;
            if (queueId < 0 || queueId >= topic.QueueCount)
            {
                queueId = (int)((uint)Interlocked.Increment(ref _roundRobin) % (uint)topic.QueueCount);
            }

            if (MessageConverter.TryToRecord(message, topic, queueId, config.MaxMessageSize, metadata.Peer, out records[i]) is { } invalid)
            {
                return Refuse(request, invalid);
            }
        }

        IReadOnlyList<PutResult> results;
        try
        {
            results = await store.PutMessagesAsync(records, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            logger.LogError(ex, "Appending {Count} messages to {Topic} failed", records.Length, topic.Name);
            return Refuse(request, Statuses.Of(Code.InternalServerError, $"the broker could not store the message: {ex.Message}"));
        }

        var response = new SendMessageResponse { Status = Statuses.Ok() };
        for (var i = 0; i < results.Count; i++)
        {
            response.Entries.Add(new SendResultEntry
            {
                Status = Statuses.Ok(),
                MessageId = request.Messages[i].SystemProperties.MessageId,
                TransactionId = string.Empty,
                Offset = results[i].QueueOffset,
            });
        }

        return response;
    }

    private static SendMessageResponse Refuse(SendMessageRequest request, Status status)
    {
        var response = new SendMessageResponse { Status = status };
        foreach (var message in request.Messages)
        {
            response.Entries.Add(new SendResultEntry { Status = status, MessageId = message.SystemProperties?.MessageId ?? string.Empty });
        }

        return response;
    }
}
