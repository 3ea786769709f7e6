using Apache.Rocketmq.V2;
using RocketTax.RocketMQ.Broker.Managers;

namespace RocketTax.RocketMQ.Broker.Grpc.Handlers;

/// <summary>ForwardMessageToDeadLetterQueue: a consumer gives up on a message; it moves to <c>%DLQ%group</c> and is acked.</summary>
public sealed class ForwardToDeadLetterQueueHandler(PopManager pop)
{
    public async Task<ForwardMessageToDeadLetterQueueResponse> HandleAsync(
        ForwardMessageToDeadLetterQueueRequest request, ClientMetadata metadata, CancellationToken cancellationToken)
    {
        if ((RequestGuard.ClientId(metadata) ?? RequestGuard.Group(request.Group) ?? RequestGuard.Topic(request.Topic)) is { } invalid)
        {
            return new ForwardMessageToDeadLetterQueueResponse { Status = invalid };
        }

        if (!ReceiptHandle.TryDecode(request.ReceiptHandle, out var handle) || handle.Topic != request.Topic.Name)
        {
            return new ForwardMessageToDeadLetterQueueResponse
            {
                Status = Statuses.Of(Code.InvalidReceiptHandle, $"the receipt handle of message {request.MessageId} was not issued by this broker for topic '{request.Topic.Name}'"),
            };
        }

        var outcome = await pop.ForwardToDeadLetterQueueAsync(request.Group.Name, handle, cancellationToken).ConfigureAwait(false);
        return new ForwardMessageToDeadLetterQueueResponse
        {
            Status = outcome switch
            {
                ReceiptOutcome.Done or ReceiptOutcome.AlreadyAcked => Statuses.Ok(),
                ReceiptOutcome.Superseded => Statuses.Of(Code.InvalidReceiptHandle, $"message {request.MessageId} was delivered again since this receipt handle was issued"),
                _ => Statuses.Of(Code.InvalidReceiptHandle, $"message {request.MessageId} was never delivered to group '{request.Group.Name}' by this broker"),
            },
        };
    }
}
