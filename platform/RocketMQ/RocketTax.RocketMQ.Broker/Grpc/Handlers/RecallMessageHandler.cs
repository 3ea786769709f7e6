using Apache.Rocketmq.V2;
using RocketTax.RocketMQ.Broker.Managers.Timer;

namespace RocketTax.RocketMQ.Broker.Grpc.Handlers;

/// <summary>RecallMessage (RocketMQ 5.3): cancels a delayed message that has not been delivered yet.</summary>
public sealed class RecallMessageHandler(TimerMessageService timer)
{
    public RecallMessageResponse Handle(RecallMessageRequest request, ClientMetadata metadata)
    {
        if ((RequestGuard.ClientId(metadata) ?? RequestGuard.Topic(request.Topic)) is { } invalid)
        {
            return new RecallMessageResponse { Status = invalid };
        }

        if (!RecallHandle.TryDecode(request.RecallHandle, out var handle))
        {
            return new RecallMessageResponse { Status = Statuses.Of(Code.BadRequest, "the recall handle is malformed: pass the recall_handle of the send's result unchanged") };
        }

        return timer.Recall(handle) switch
        {
            RecallOutcome.Recalled => new RecallMessageResponse { Status = Statuses.Ok(), MessageId = handle.MessageId },
            RecallOutcome.AlreadyDone => new RecallMessageResponse
            {
                Status = Statuses.Of(Code.MessageNotFound, $"delayed message {handle.MessageId} was delivered or recalled already"),
                MessageId = handle.MessageId,
            },
            _ => new RecallMessageResponse
            {
                Status = Statuses.Of(Code.BadRequest, $"the recall handle names no delayed message of this broker (it was issued by broker '{handle.BrokerName}')"),
            },
        };
    }
}
