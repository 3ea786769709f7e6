using Apache.Rocketmq.V2;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Status = Apache.Rocketmq.V2.Status;
using RocketTax.RocketMQ.Broker.Configuration;
using RocketTax.RocketMQ.Broker.Diagnostics;
using RocketTax.RocketMQ.Broker.Managers;
using RocketTax.RocketMQ.Broker.Managers.Filtering;

namespace RocketTax.RocketMQ.Broker.Grpc.Handlers;

/// <summary>
/// ReceiveMessage: POP from this broker's queues of the topic, long polling until a message arrives or the
/// wait (never past the call's deadline) ends. Streams one status, the messages, then the delivery time, in a
/// <c>{topic} deliver</c> span linked to each message's trace.
/// </summary>
public sealed class ReceiveMessageHandler(
    TopicManager topics, PopManager pop, ClientManager clients, MessageFilterCache filters, BrokerConfig config, TimeProvider time, BrokerMetrics metrics)
{
    private const int MaxBatchSize = 32;

    /// <summary>What an auto-renewing (push) consumer's messages stay invisible for between renewals.</summary>
    private static readonly TimeSpan AutoRenewInvisible = TimeSpan.FromSeconds(60);

    private static readonly WriteOptions BufferedWrite = new(WriteFlags.BufferHint);

    public async Task HandleAsync(ReceiveMessageRequest request, IServerStreamWriter<ReceiveMessageResponse> responses, ClientMetadata metadata, DateTime deadline, CancellationToken cancellationToken)
    {
        var (status, topic, filter, invisible) = Validate(request, metadata);
        if (status is not null)
        {
            await responses.WriteAsync(new ReceiveMessageResponse { Status = status }, cancellationToken).ConfigureAwait(false);
            return;
        }

        clients.Touch(metadata.ClientId!, ClientType.Unspecified, request.Group.Name, metadata.Language);
        var batch = request.BatchSize <= 0 ? MaxBatchSize : Math.Min(request.BatchSize, MaxBatchSize);
        // Validate checked the requested duration converts and is not negative.
        var polling = LongPolling.Wait(request.LongPollingTimeout, config, deadline, time);

        // An orderly consumer (push, FIFO) is assigned single queues; everyone else pops the whole broker, as the proxy does.
        var queueId = pop.IsOrderly(request.Group.Name, topic!) ? request.MessageQueue.Id : -1;
        IReadOnlyList<PoppedMessage> messages;
        try
        {
            messages = await pop.PopAsync(request.Group.Name, topic!, queueId, filter!, batch, invisible, polling, cancellationToken).ConfigureAwait(false);
        }
        catch (PopJournalUnavailableException ex)
        {
            await responses.WriteAsync(new ReceiveMessageResponse { Status = Statuses.Of(Code.InternalServerError, ex.Message) }, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (messages.Count == 0)
        {
            await responses.WriteAsync(
                new ReceiveMessageResponse { Status = Statuses.Of(Code.MessageNotFound, "no new message") }, cancellationToken).ConfigureAwait(false);
            return;
        }

        using var activity = BrokerDiagnostics.StartDeliver(topic!.Name, request.Group.Name, messages, metadata);
        try
        {
            // The batch goes out in one flush (the last write's), not one per message: a flush per message costs a
            // syscall and a wake-up of the consumer each.
            responses.WriteOptions = BufferedWrite;
            await responses.WriteAsync(new ReceiveMessageResponse { Status = Statuses.Ok() }, cancellationToken).ConfigureAwait(false);
            foreach (var message in messages)
            {
                await responses.WriteAsync(new ReceiveMessageResponse { Message = MessageConverter.ToProtocol(message) }, cancellationToken).ConfigureAwait(false);
            }

            responses.WriteOptions = null;
            await responses.WriteAsync(
                new ReceiveMessageResponse { DeliveryTimestamp = Timestamp.FromDateTimeOffset(time.GetUtcNow()) }, cancellationToken).ConfigureAwait(false);
            metrics.RecordDelivered(topic.Name, request.Group.Name, messages.Count);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or InvalidOperationException)
        {
            // The client went away mid-answer: make the batch visible again now rather than after its invisible
            // time, so it is not held back for a delivery nobody may have received.
            foreach (var message in messages)
            {
                pop.ChangeInvisibleDuration(request.Group.Name, message.Handle, TimeSpan.Zero, out _);
            }

            BrokerDiagnostics.SetError(activity, ex.GetType().FullName!, "the consumer went away before the messages were written");
            throw;
        }
    }

    private (Status? Status, TopicConfig? Topic, IMessageFilter? Filter, TimeSpan Invisible) Validate(ReceiveMessageRequest request, ClientMetadata metadata)
    {
        var topicResource = request.MessageQueue?.Topic;
        if ((RequestGuard.ClientId(metadata) ?? RequestGuard.Group(request.Group) ?? RequestGuard.Topic(topicResource)) is { } invalid)
        {
            return (invalid, null, null, default);
        }

        if (!topics.TryGet(topicResource!.Name, out var topic))
        {
            return (RequestGuard.TopicNotFound(topicResource.Name), null, null, default);
        }

        var expression = request.FilterExpression;
        if (!filters.TryParse(expression?.Expression, expression?.Type == FilterType.Sql, out var filter, out var filterError))
        {
            return (Statuses.Of(Code.IllegalFilterExpression, filterError!), null, null, default);
        }

        if (request.LongPollingTimeout is { } polling && !(ProtoTime.ToTimeSpanOrNull(polling) >= TimeSpan.Zero))
        {
            return (Statuses.Of(Code.IllegalPollingTime, "the long polling timeout is negative or not a valid duration"), null, null, default);
        }

        if (request.AutoRenew)
        {
            return (null, topic, filter, AutoRenewInvisible);
        }

        var invisible = ProtoTime.ToTimeSpanOrNull(request.InvisibleDuration);
        var min = TimeSpan.FromMilliseconds(config.MinInvisibleTimeMillsForRecv);
        var max = TimeSpan.FromMilliseconds(config.MaxInvisibleTimeMills);
        if (invisible is null || invisible < min || invisible > max)
        {
            return (Statuses.Of(Code.IllegalInvisibleTime,
                $"the invisible duration {invisible?.ToString() ?? "(none)"} is out of range: it must be from {min} to {max}"), null, null, default);
        }

        return (null, topic, filter, invisible.Value);
    }
}
