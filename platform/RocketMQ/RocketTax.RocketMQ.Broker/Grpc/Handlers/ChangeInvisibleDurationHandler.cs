using Apache.Rocketmq.V2;
using RocketTax.RocketMQ.Broker.Configuration;
using RocketTax.RocketMQ.Broker.Managers;

namespace RocketTax.RocketMQ.Broker.Grpc.Handlers;

/// <summary>ChangeInvisibleDuration: renews (or, with a short duration, nacks) a delivered message; answers the new handle.</summary>
public sealed class ChangeInvisibleDurationHandler(PopManager pop, BrokerConfig config)
{
    public ChangeInvisibleDurationResponse Handle(ChangeInvisibleDurationRequest request, ClientMetadata metadata)
    {
        if ((RequestGuard.ClientId(metadata) ?? RequestGuard.Group(request.Group) ?? RequestGuard.Topic(request.Topic)) is { } invalid)
        {
            return new ChangeInvisibleDurationResponse { Status = invalid };
        }

        var duration = ProtoTime.ToTimeSpanOrNull(request.InvisibleDuration);
        var max = TimeSpan.FromMilliseconds(config.MaxInvisibleTimeMills);
        if (duration is null || duration < TimeSpan.Zero || duration > max)
        {
            return new ChangeInvisibleDurationResponse
            {
                Status = Statuses.Of(Code.IllegalInvisibleTime, $"the invisible duration {duration?.ToString() ?? "(none)"} is out of range: it must be from 0 to {max}"),
            };
        }

        if (!ReceiptHandle.TryDecode(request.ReceiptHandle, out var handle) || handle.Topic != request.Topic.Name)
        {
            return new ChangeInvisibleDurationResponse
            {
                Status = Statuses.Of(Code.InvalidReceiptHandle, $"the receipt handle of message {request.MessageId} was not issued by this broker for topic '{request.Topic.Name}'"),
            };
        }

        ReceiptOutcome outcome;
        ReceiptHandle renewed;
        try
        {
            outcome = pop.ChangeInvisibleDuration(request.Group.Name, handle, duration.Value, out renewed);
        }
        catch (PopJournalUnavailableException ex)
        {
            return new ChangeInvisibleDurationResponse { Status = Statuses.Of(Code.InternalServerError, ex.Message) };
        }

        return outcome switch
        {
            ReceiptOutcome.Done => new ChangeInvisibleDurationResponse { Status = Statuses.Ok(), ReceiptHandle = renewed.Encode() },
            ReceiptOutcome.Superseded => new ChangeInvisibleDurationResponse
            {
                Status = Statuses.Of(Code.InvalidReceiptHandle, $"message {request.MessageId} was delivered again since this receipt handle was issued"),
            },
            ReceiptOutcome.AlreadyAcked => new ChangeInvisibleDurationResponse
            {
                Status = Statuses.Of(Code.InvalidReceiptHandle, $"message {request.MessageId} is already acknowledged"),
            },
            _ => new ChangeInvisibleDurationResponse
            {
                Status = Statuses.Of(Code.InvalidReceiptHandle, $"message {request.MessageId} was never delivered to group '{request.Group.Name}' by this broker"),
            },
        };
    }
}
