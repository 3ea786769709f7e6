using Apache.Rocketmq.V2;
using RocketTax.RocketMQ.Broker.Managers;

namespace RocketTax.RocketMQ.Broker.Grpc.Handlers;

/// <summary>AckMessage: each entry is acked on its own; garbage handles get INVALID_RECEIPT_HANDLE per entry.</summary>
public sealed class AckMessageHandler(PopManager pop)
{
    public AckMessageResponse Handle(AckMessageRequest request, ClientMetadata metadata)
    {
        if ((RequestGuard.ClientId(metadata) ?? RequestGuard.Group(request.Group) ?? RequestGuard.Topic(request.Topic)) is { } invalid)
        {
            return new AckMessageResponse { Status = invalid };
        }

        var response = new AckMessageResponse();
        Code? common = null;
        foreach (var entry in request.Entries)
        {
            var status = AckOne(request.Group.Name, request.Topic.Name, entry);
            common = common is null || common == status.Code ? status.Code : Code.MultipleResults;
            response.Entries.Add(new AckMessageResultEntry { MessageId = entry.MessageId, ReceiptHandle = entry.ReceiptHandle, Status = status });
        }

        response.Status = common switch
        {
            null => Statuses.Of(Code.BadRequest, "the request carries no entries"),
            Code.Ok => Statuses.Ok(),
            Code.MultipleResults => Statuses.Of(Code.MultipleResults, "some entries failed; see each entry's status"),
            _ => response.Entries[0].Status,
        };
        return response;
    }

    private Status AckOne(string group, string topic, AckMessageEntry entry)
    {
        if (!ReceiptHandle.TryDecode(entry.ReceiptHandle, out var handle) || handle.Topic != topic)
        {
            return Statuses.Of(Code.InvalidReceiptHandle, $"the receipt handle of message {entry.MessageId} was not issued by this broker for topic '{topic}'");
        }

        try
        {
            return pop.Ack(group, handle) switch
            {
                ReceiptOutcome.UnknownHandle => Statuses.Of(Code.InvalidReceiptHandle, $"message {entry.MessageId} was never delivered to group '{group}' by this broker"),
                _ => Statuses.Ok(),
            };
        }
        catch (PopJournalUnavailableException ex)
        {
            return Statuses.Of(Code.InternalServerError, ex.Message);
        }
    }
}
