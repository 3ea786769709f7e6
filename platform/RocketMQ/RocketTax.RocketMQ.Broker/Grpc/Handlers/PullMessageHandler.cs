using Apache.Rocketmq.V2;
using Grpc.Core;
using RocketTax.RocketMQ.Broker.Configuration;
using RocketTax.RocketMQ.Broker.Diagnostics;
using RocketTax.RocketMQ.Broker.Managers;
using RocketTax.RocketMQ.Broker.Managers.Filtering;
using RocketTax.RocketMQ.Broker.Managers.Pull;
using Status = Apache.Rocketmq.V2.Status;

namespace RocketTax.RocketMQ.Broker.Grpc.Handlers;

/// <summary>
/// PullMessage: a 5.x pull consumer reads one queue by offset, on the same core as a 4.x consumer's PULL_MESSAGE. The
/// stream carries one status, the messages, then the offset to pull from next. At the queue's end the pull waits up to its
/// long-polling timeout (never past the call's deadline) and then answers MESSAGE_NOT_FOUND; an offset outside the queue
/// is answered ILLEGAL_OFFSET; both still say the next offset.
/// </summary>
public sealed class PullMessageHandler(
    TopicManager topics, MessagePuller puller, MessageFilterCache filters, BrokerConfig config, TimeProvider time, BrokerMetrics metrics)
{
    public async Task HandleAsync(
        PullMessageRequest request, IServerStreamWriter<PullMessageResponse> responses, ClientMetadata metadata, DateTime deadline, CancellationToken cancellationToken)
    {
        var status = OffsetRequestGuard.Check(topics, metadata, request.Group, request.MessageQueue);
        IMessageFilter filter = TagFilter.All;
        if (status is null && !filters.TryParse(request.FilterExpression?.Expression, request.FilterExpression?.Type == FilterType.Sql, out filter, out var filterError))
        {
            status = Statuses.Of(Code.IllegalFilterExpression, filterError!);
        }

        if (status is not null)
        {
            await responses.WriteAsync(new PullMessageResponse { Status = status }, cancellationToken).ConfigureAwait(false);
            return;
        }

        var (topic, queueId) = (request.MessageQueue.Topic.Name, request.MessageQueue.Id);
        var wait = LongPolling.Wait(request.LongPollingTimeout, config, deadline, time);
        var result = await puller.PullAsync(request.Group.Name, topic, queueId, request.Offset, request.BatchSize, filter, wait, cancellationToken)
            .ConfigureAwait(false);
        await responses.WriteAsync(new PullMessageResponse { Status = StatusOf(result.Status) }, cancellationToken).ConfigureAwait(false);
        foreach (var message in result.Messages)
        {
            await responses.WriteAsync(new PullMessageResponse { Message = MessageConverter.ToProtocol(message) }, cancellationToken).ConfigureAwait(false);
        }

        await responses.WriteAsync(new PullMessageResponse { NextOffset = result.NextBeginOffset }, cancellationToken).ConfigureAwait(false);
        if (result.Messages.Count > 0)
        {
            metrics.RecordDelivered(topic, request.Group.Name, result.Messages.Count);
        }
    }

    private static Status StatusOf(PullStatus status) => status switch
    {
        PullStatus.Found => Statuses.Ok(),
        PullStatus.OffsetMoved => Statuses.Of(Code.IllegalOffset, "the offset is outside the queue; pull from the next offset given"),
        PullStatus.NoMatchedMessage => Statuses.Of(Code.MessageNotFound, "no message matched the filter; pull again from the next offset given"),
        _ => Statuses.Of(Code.MessageNotFound, "no new message"),
    };
}
