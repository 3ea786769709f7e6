using Apache.Rocketmq.V2;
using Google.Protobuf;

namespace RocketTax.RocketMQ.Broker.Security;

/// <summary>A permission a request needs on one topic or group. <see cref="Any"/>: PUB or SUB will do (route queries).</summary>
public sealed record AccessRequirement(AclResourceKind Kind, string Name, AclPermission Permission, bool Any = false)
{
    /// <summary>
    /// What each RPC needs, as RocketMQ's plain ACL asks it: PUB on the topic to send, recall or end a transaction, SUB on
    /// topic and group to receive, ack, renew, forward to the DLQ, be assigned queues, pull or get and update an offset,
    /// SUB on the topic to query a queue's offsets, either on the topic to
    /// query its route, SUB on the group of a consumer's heartbeat. The rest needs a valid signature only.
    /// </summary>
    public static IReadOnlyList<AccessRequirement> Of(IMessage request) => request switch
    {
        SendMessageRequest send => [.. send.Messages.Select(m => m.Topic?.Name).Distinct().Select(Pub)],
        EndTransactionRequest end => [Pub(end.Topic?.Name)],
        RecallMessageRequest recall => [Pub(recall.Topic?.Name)],
        QueryRouteRequest route => [new(AclResourceKind.Topic, route.Topic?.Name ?? string.Empty, AclPermission.Pub | AclPermission.Sub, Any: true)],
        ReceiveMessageRequest receive => Consume(receive.MessageQueue?.Topic, receive.Group),
        AckMessageRequest ack => Consume(ack.Topic, ack.Group),
        ChangeInvisibleDurationRequest change => Consume(change.Topic, change.Group),
        ForwardMessageToDeadLetterQueueRequest forward => Consume(forward.Topic, forward.Group),
        QueryAssignmentRequest assignment => Consume(assignment.Topic, assignment.Group),
        PullMessageRequest pull => Consume(pull.MessageQueue?.Topic, pull.Group),
        UpdateOffsetRequest update => Consume(update.MessageQueue?.Topic, update.Group),
        GetOffsetRequest get => Consume(get.MessageQueue?.Topic, get.Group),
        QueryOffsetRequest query => [new(AclResourceKind.Topic, query.MessageQueue?.Topic?.Name ?? string.Empty, AclPermission.Sub)],
        HeartbeatRequest { Group.Name.Length: > 0 } heartbeat => [SubGroup(heartbeat.Group.Name)],
        _ => [],
    };

    private static AccessRequirement Pub(string? topic) => new(AclResourceKind.Topic, topic ?? string.Empty, AclPermission.Pub);

    private static AccessRequirement SubGroup(string group) => new(AclResourceKind.Group, group, AclPermission.Sub);

    private static AccessRequirement[] Consume(Resource? topic, Resource? group) =>
    [
        new(AclResourceKind.Topic, topic?.Name ?? string.Empty, AclPermission.Sub),
        SubGroup(group?.Name ?? string.Empty),
    ];
}
