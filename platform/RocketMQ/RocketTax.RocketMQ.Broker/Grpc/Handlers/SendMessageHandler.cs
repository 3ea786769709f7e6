using System.Globalization;
using Apache.Rocketmq.V2;
using RocketTax.RocketMQ.Broker.Configuration;
using RocketTax.RocketMQ.Broker.Diagnostics;
using RocketTax.RocketMQ.Broker.Managers;
using RocketTax.RocketMQ.Broker.Managers.Timer;
using RocketTax.RocketMQ.Broker.Managers.Transactions;
using RocketTax.RocketMQ.Broker.Store;

namespace RocketTax.RocketMQ.Broker.Grpc.Handlers;

/// <summary>
/// SendMessage: validates every message of the request, then appends them all or none. A FIFO message goes to
/// the queue its message group hashes to (unless the client chose one); a delayed message due later goes to the
/// timer, a transactional one to the half-message queue. The append runs in a <c>{topic} store</c> span that
/// continues the producer's trace, and the stored messages carry that span to their consumers.
/// </summary>
public sealed class SendMessageHandler(
    TopicManager topics, IMessageStore store, TimerMessageService timer, TransactionalMessageService transactions,
    BrokerConfig config, TimeProvider time, BrokerMetrics metrics, ILogger<SendMessageHandler> logger)
{
    private int _roundRobin;

    public async Task<SendMessageResponse> HandleAsync(SendMessageRequest request, ClientMetadata metadata, CancellationToken cancellationToken)
    {
        var started = metrics.StartTimer();
        var response = await SendAsync(request, metadata, cancellationToken).ConfigureAwait(false);
        var refused = response.Status.Code == Code.Ok ? null : ((int)response.Status.Code).ToString(CultureInfo.InvariantCulture);
        // Summed only when someone listens: the send path pays nothing for metrics nobody exports.
        var bodyBytes = metrics.CountsBytes ? request.Messages.Sum(message => (long)message.Body.Length) : 0;
        metrics.RecordSend(request.Messages.Count > 0 ? request.Messages[0].Topic?.Name : null, request.Messages.Count, bodyBytes, started, refused);
        return response;
    }

    private async Task<SendMessageResponse> SendAsync(SendMessageRequest request, ClientMetadata metadata, CancellationToken cancellationToken)
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
        var dueMillis = new long[records.Length];
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        for (var i = 0; i < records.Length; i++)
        {
            var message = request.Messages[i];
            var queueId = message.SystemProperties?.QueueId ?? -1;
            if (queueId < 0 || queueId >= topic.QueueCount)
            {
                queueId = message.SystemProperties?.HasMessageGroup == true
                    ? (int)(MessageGroupHash(message.SystemProperties.MessageGroup) % (uint)topic.QueueCount)
                    : (int)((uint)Interlocked.Increment(ref _roundRobin) % (uint)topic.QueueCount);
            }

            if (MessageConverter.TryToRecord(message, topic, queueId, config.MaxMessageSize, metadata.Peer, out records[i]) is { } invalid)
            {
                return Refuse(request, invalid);
            }

            if (message.SystemProperties?.DeliveryTimestamp is { } delivery)
            {
                dueMillis[i] = delivery.ToDateTimeOffset().ToUnixTimeMilliseconds();
                if (dueMillis[i] - now > config.TimerMaxDelaySec * 1000)
                {
                    return Refuse(request, Statuses.Of(Code.IllegalDeliveryTime,
                        $"message {message.SystemProperties.MessageId} asks for delivery at {delivery.ToDateTimeOffset():O}, more than timerMaxDelaySec={config.TimerMaxDelaySec} s from now"));
                }
            }
        }

        var response = new SendMessageResponse { Status = Statuses.Ok() };
        using var activity = BrokerDiagnostics.StartStore(topic.Name, records, metadata);
        BrokerDiagnostics.ContinueFrom(activity, records);
        var storeStarted = metrics.StartTimer();
        try
        {
            if (topic.MessageType == TopicMessageType.Transaction)
            {
                var prepared = await transactions.PrepareAsync(records, cancellationToken).ConfigureAwait(false);
                for (var i = 0; i < prepared.Count; i++)
                {
                    response.Entries.Add(Entry(request.Messages[i], prepared[i].Result.QueueOffset, prepared[i].Id.ToString(), string.Empty));
                }
            }
            else if (dueMillis.Any(due => due > now))
            {
                // A batch shares a topic and, from the official clients, its type: a delayed batch goes to the timer whole.
                var scheduled = await timer.ScheduleAsync(records, dueMillis.Select(due => Math.Max(due, now)).ToArray(), cancellationToken).ConfigureAwait(false);
                for (var i = 0; i < scheduled.Count; i++)
                {
                    var handle = new RecallHandle(config.BrokerName, scheduled[i].QueueOffset, request.Messages[i].SystemProperties.MessageId).Encode();
                    response.Entries.Add(Entry(request.Messages[i], scheduled[i].QueueOffset, string.Empty, handle));
                }
            }
            else
            {
                var results = await store.PutSendAsync(records, cancellationToken).ConfigureAwait(false);
                for (var i = 0; i < results.Count; i++)
                {
                    response.Entries.Add(Entry(request.Messages[i], results[i].QueueOffset, string.Empty, string.Empty));
                }
            }
        }
        catch (StoreBusyException ex)
        {
            BrokerDiagnostics.SetError(activity, ((int)Code.TooManyRequests).ToString(CultureInfo.InvariantCulture), ex.Message);
            return Refuse(request, Statuses.Of(Code.TooManyRequests, $"{config.BrokerName}: {ex.Message}"));
        }
        catch (IOException ex)
        {
            logger.LogError(ex, "Appending {Count} messages to {Topic} failed", records.Length, topic.Name);
            BrokerDiagnostics.SetError(activity, ((int)Code.InternalServerError).ToString(CultureInfo.InvariantCulture), ex.Message);
            return Refuse(request, Statuses.Of(Code.InternalServerError, $"the broker could not store the message: {ex.Message}"));
        }
        catch (ArgumentException ex)
        {
            // The store refuses what it cannot encode (e.g. an entry larger than a segment) before writing anything.
            BrokerDiagnostics.SetError(activity, ((int)Code.BadRequest).ToString(CultureInfo.InvariantCulture), ex.Message);
            return Refuse(request, Statuses.Of(Code.BadRequest, ex.Message));
        }

        metrics.RecordStore(topic.Name, storeStarted);
        return response;
    }

    /// <summary>A stable hash of a message group (FNV-1a over UTF-16 code units), so a group keeps its queue across restarts.</summary>
    public static uint MessageGroupHash(string group)
    {
        var hash = 2166136261u;
        foreach (var c in group)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash;
    }

    private static SendResultEntry Entry(Message message, long offset, string transactionId, string recallHandle) => new()
    {
        Status = Statuses.Ok(),
        MessageId = message.SystemProperties.MessageId,
        TransactionId = transactionId,
        RecallHandle = recallHandle,
        Offset = offset,
    };

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
