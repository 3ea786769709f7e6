using System.Diagnostics;
using Apache.Rocketmq.V2;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using RocketTax.RocketMQ.Client.Diagnostics;
using RocketTax.RocketMQ.Client.Session;

namespace RocketTax.RocketMQ.Client.Consumer;

/// <summary>The consumer RPCs both consumers share: receive (traced), ack, change invisible duration, forward to the DLQ.</summary>
internal sealed class ConsumerCalls(ClientSession session, string group)
{
    public string Group => group;

    /// <summary>
    /// One ReceiveMessage call on <paramref name="queue"/>'s broker: long-polls up to <paramref name="longPolling"/>,
    /// then returns what arrived. Traced as <c>"{topic} receive"</c>.
    /// </summary>
    public async Task<ReceiveResult> ReceiveAsync(
        RouteQueue queue, FilterExpression filter, int batchSize, TimeSpan? invisibleDuration, TimeSpan longPolling, CancellationToken cancellationToken)
    {
        var topic = queue.Protocol.Topic.Name;
        var request = new ReceiveMessageRequest
        {
            Group = session.Resource(group),
            MessageQueue = queue.Protocol,
            FilterExpression = filter.ToProtocol(),
            BatchSize = batchSize,
            AutoRenew = invisibleDuration is null,
            LongPollingTimeout = Duration.FromTimeSpan(longPolling),
            AttemptId = session.RequestIds.Next(),
        };
        if (invisibleDuration is { } invisible)
        {
            request.InvisibleDuration = Duration.FromTimeSpan(invisible);
        }

        using var activity = RocketMQDiagnostics.Source.StartActivity($"{topic} receive", ActivityKind.Consumer);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(RocketMQDiagnostics.System, RocketMQDiagnostics.SystemValue);
            activity.SetTag(RocketMQDiagnostics.OperationType, "receive");
            activity.SetTag(RocketMQDiagnostics.OperationName, "receive");
            activity.SetTag(RocketMQDiagnostics.Destination, topic);
            activity.SetTag(RocketMQDiagnostics.ClientGroup, group);
            activity.SetTag(RocketMQDiagnostics.ServerAddress, queue.Endpoint.Host);
            activity.SetTag(RocketMQDiagnostics.ServerPort, queue.Endpoint.Port);
        }

        var started = session.Time.GetTimestamp();
        var timeout = longPolling + session.Options.RequestTimeout;
        var operation = $"ReceiveMessage from topic '{topic}' for group '{group}'";
        try
        {
            var messages = new List<MessageView>();
            var corrupted = new List<MessageView>();
            using var call = session.Client(queue.Endpoint).ReceiveMessage(request, session.CallOptions(timeout, cancellationToken));
            while (await call.ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false))
            {
                var response = call.ResponseStream.Current;
                switch (response.ContentCase)
                {
                    case ReceiveMessageResponse.ContentOneofCase.Status when response.Status.Code == Code.MessageNotFound:
                        break;
                    case ReceiveMessageResponse.ContentOneofCase.Status:
                        StatusCheck.ThrowIfFailed(response.Status, operation, queue.Endpoint);
                        break;
                    case ReceiveMessageResponse.ContentOneofCase.Message:
                        var (view, intact) = MessageDecoder.Decode(response.Message, queue.Endpoint, queue.BrokerName);
                        if (intact)
                        {
                            messages.Add(view);
                        }
                        else
                        {
                            session.Logger.CorruptMessage(view.MessageId, topic, queue.Endpoint.ToString(), response.Message.SystemProperties.BodyDigest.Type.ToString());
                            corrupted.Add(view);
                        }

                        break;
                }
            }

            activity?.SetTag(RocketMQDiagnostics.BatchCount, messages.Count);
            RocketMQDiagnostics.RecordOperation("receive", "receive", topic, queue.Endpoint, session.Time.GetElapsedTime(started), null, group);
            return new ReceiveResult(messages, corrupted, activity?.Context ?? default);
        }
        catch (RpcException ex)
        {
            var translated = session.Translate(ex, queue.Endpoint, operation, timeout, cancellationToken);
            RocketMQDiagnostics.SetError(activity, translated);
            RocketMQDiagnostics.RecordOperation("receive", "receive", topic, queue.Endpoint, session.Time.GetElapsedTime(started), translated, group);
            throw translated;
        }
        catch (RocketMQException ex)
        {
            RocketMQDiagnostics.SetError(activity, ex);
            RocketMQDiagnostics.RecordOperation("receive", "receive", topic, queue.Endpoint, session.Time.GetElapsedTime(started), ex, group);
            throw;
        }
    }

    /// <summary>Acknowledges a message: the broker will not deliver it again.</summary>
    public async Task AckAsync(MessageView message, CancellationToken cancellationToken)
    {
        var failures = await AckAsync([message], cancellationToken).ConfigureAwait(false);
        if (failures[0] is { } failure)
        {
            throw failure;
        }
    }

    /// <summary>
    /// Acknowledges messages of one topic delivered by one broker in a single AckMessage call. Returns each message's
    /// refusal (null where the ack went through); a failure of the call as a whole is thrown.
    /// </summary>
    public async Task<RocketMQException?[]> AckAsync(IReadOnlyList<MessageView> messages, CancellationToken cancellationToken)
    {
        var first = messages[0];
        var request = new AckMessageRequest { Group = session.Resource(group), Topic = session.Resource(first.Topic) };
        foreach (var message in messages)
        {
            request.Entries.Add(new AckMessageEntry { MessageId = message.MessageId, ReceiptHandle = message.ReceiptHandle });
        }

        var operation = messages.Count == 1
            ? AckOperation(first)
            : $"AckMessage of {messages.Count} messages (topic '{first.Topic}', group '{group}')";
        var started = session.Time.GetTimestamp();
        Exception? error = null;
        try
        {
            var response = await session.CallAsync(first.Endpoint, operation, (client, call) => client.AckMessageAsync(request, call), cancellationToken).ConfigureAwait(false);
            if (response.Status?.Code != Code.MultipleResults)
            {
                StatusCheck.ThrowIfFailed(response.Status, operation, first.Endpoint);
            }

            return EntryFailures(messages, request, response);
        }
        catch (Exception ex)
        {
            error = ex;
            throw;
        }
        finally
        {
            RocketMQDiagnostics.RecordOperation("ack", "settle", first.Topic, first.Endpoint, session.Time.GetElapsedTime(started), error, group);
        }
    }

    /// <summary>Keeps a message invisible for <paramref name="duration"/> from now; the message takes the new receipt handle.</summary>
    public async Task ChangeInvisibleDurationAsync(MessageView message, TimeSpan duration, CancellationToken cancellationToken)
    {
        var request = new ChangeInvisibleDurationRequest
        {
            Group = session.Resource(group),
            Topic = session.Resource(message.Topic),
            ReceiptHandle = message.ReceiptHandle,
            InvisibleDuration = Duration.FromTimeSpan(duration),
            MessageId = message.MessageId,
        };
        var operation = $"ChangeInvisibleDuration of message {message.MessageId} (topic '{message.Topic}', group '{group}')";
        var started = session.Time.GetTimestamp();
        Exception? error = null;
        try
        {
            var response = await session.CallAsync(message.Endpoint, operation,
                (client, call) => client.ChangeInvisibleDurationAsync(request, call), cancellationToken).ConfigureAwait(false);
            StatusCheck.ThrowIfFailed(response.Status, operation, message.Endpoint);
            if (!string.IsNullOrEmpty(response.ReceiptHandle))
            {
                message.ReceiptHandle = response.ReceiptHandle;
            }
        }
        catch (Exception ex)
        {
            error = ex;
            throw;
        }
        finally
        {
            RocketMQDiagnostics.RecordOperation("change_invisible_duration", "settle", message.Topic, message.Endpoint, session.Time.GetElapsedTime(started), error, group);
        }
    }

    /// <summary>Moves a message to <c>%DLQ%group</c> (and acks it) after its last delivery attempt failed.</summary>
    public async Task ForwardToDeadLetterQueueAsync(MessageView message, int maxDeliveryAttempts, CancellationToken cancellationToken)
    {
        var request = new ForwardMessageToDeadLetterQueueRequest
        {
            Group = session.Resource(group),
            Topic = session.Resource(message.Topic),
            ReceiptHandle = message.ReceiptHandle,
            MessageId = message.MessageId,
            DeliveryAttempt = message.DeliveryAttempt,
            MaxDeliveryAttempts = maxDeliveryAttempts,
        };
        var operation = $"ForwardMessageToDeadLetterQueue of message {message.MessageId} (topic '{message.Topic}', group '{group}')";
        var response = await session.CallAsync(message.Endpoint, operation,
            (client, call) => client.ForwardMessageToDeadLetterQueueAsync(request, call), cancellationToken).ConfigureAwait(false);
        StatusCheck.ThrowIfFailed(response.Status, operation, message.Endpoint);
    }

    /// <summary>Matches the refused entries of an answer to the messages by receipt handle (the order of the entries is not promised).</summary>
    private RocketMQException?[] EntryFailures(IReadOnlyList<MessageView> messages, AckMessageRequest request, AckMessageResponse response)
    {
        var failures = new RocketMQException?[messages.Count];
        foreach (var entry in response.Entries.Where(e => e.Status is { Code: not Code.Ok }))
        {
            for (var i = 0; i < messages.Count; i++)
            {
                if (request.Entries[i].ReceiptHandle == entry.ReceiptHandle)
                {
                    failures[i] = StatusCheck.Failure(entry.Status, AckOperation(messages[i]), messages[i].Endpoint);
                }
            }
        }

        return failures;
    }

    private string AckOperation(MessageView message) => $"AckMessage of message {message.MessageId} (topic '{message.Topic}', group '{group}')";
}
