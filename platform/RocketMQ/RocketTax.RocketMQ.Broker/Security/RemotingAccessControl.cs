using System.Security.Cryptography;
using RocketTax.RocketMQ.Broker.Managers;
using RocketTax.RocketMQ.Broker.Remoting;
using RocketTax.RocketMQ.Remoting;
using RocketTax.RocketMQ.Remoting.Body;
using RocketTax.RocketMQ.Remoting.Messages;

namespace RocketTax.RocketMQ.Broker.Security;

/// <summary>
/// RocketMQ 4.x's plain ACL on the broker's remoting port when <c>aclEnable=true</c>: every request must be signed
/// (see <see cref="RemotingSignature"/>) by an account of the ACL file; a send needs PUB on its topic (SUB on the group
/// for a send to a group's retry topic), a consumer's send-back of a failed message SUB on its group, a 4.x client's
/// heartbeat SUB on each consumer group it names and each topic they subscribe to, its unregister SUB on the consumer
/// group it leaves (a producer's needs nothing more), a pull and a consumer-offset query or update SUB on their group and topic, and the admin requests RocketMQ reserves for admins (creating and
/// deleting topics, creating consumer groups) need an admin account. Anything else needs a valid signature only. A
/// refusal is answered NO_PERMISSION with the reason.
/// </summary>
public sealed partial class RemotingAccessControl(AclConfig acl, ILogger<RemotingAccessControl> logger) : IRemotingRequestGuard
{
    /// <summary>The codes of RocketMQ's admin-only set this broker serves (the set also names UPDATE_BROKER_CONFIG and DELETE_SUBSCRIPTIONGROUP).</summary>
    private static readonly HashSet<int> AdminOnlyCodes =
        [RequestCode.UpdateAndCreateTopic, RequestCode.DeleteTopicInBroker, SubscriptionGroupAdminProcessor.UpdateAndCreateSubscriptionGroup];

    public RemotingCommand? Refuse(RemotingCommand request, string peer)
    {
        var accessKey = request.Field(RemotingSignature.AccessKeyField);
        var reason = Check(request, accessKey);
        if (reason is null)
        {
            return null;
        }

        LogRefused(request.Code, peer, accessKey ?? "(none)", reason);
        return RemotingCommand.Response(request, ResponseCode.NoPermission, reason);
    }

    /// <summary>Why <paramref name="request"/> is refused, or null when it may go ahead.</summary>
    private string? Check(RemotingCommand request, string? accessKey)
    {
        var signature = request.Field(RemotingSignature.SignatureField);
        if (string.IsNullOrEmpty(accessKey) || string.IsNullOrEmpty(signature))
        {
            return "the request is not signed, and this broker has aclEnable=true: give the client an AccessKey and SecretKey of the ACL file";
        }

        if (!acl.Accounts.TryGetValue(accessKey, out var account))
        {
            return $"access key '{accessKey}' is not an account of the ACL file";
        }

        if (!Matches(RemotingSignature.Compute(request, account.SecretKey), signature))
        {
            return $"the signature does not match: check the SecretKey the client uses for access key '{accessKey}'";
        }

        if (AdminOnlyCodes.Contains(request.Code) && !account.Admin)
        {
            return $"access key '{accessKey}' may not send request code {request.Code}: it is for admin accounts only (admin: true in the ACL file)";
        }

        return AccessValidator.Authorize(account, Requirements(request)).Denied?.Message;
    }

    private static bool Matches(byte[] expected, string signature)
    {
        var received = new byte[expected.Length];
        return Convert.TryFromBase64String(signature, received, out var written) && written == expected.Length
            && CryptographicOperations.FixedTimeEquals(expected, received);
    }

    private static IEnumerable<AccessRequirement> Requirements(RemotingCommand request) => request.Code switch
    {
        RequestCode.SendMessage or RequestCode.SendMessageV2 or RequestCode.SendBatchMessage => [SendRequirement(SendMessageHeader.Read(request).Topic ?? string.Empty)],
        RequestCode.ConsumerSendMsgBack when request.Field("group") is { Length: > 0 } group => [SubGroup(group)],
        RequestCode.HeartBeat => HeartbeatRequirements(request),
        RequestCode.UnregisterClient when request.Field("consumerGroup") is { Length: > 0 } group => [SubGroup(group)],
        RequestCode.PullMessage or RequestCode.QueryConsumerOffset or RequestCode.UpdateConsumerOffset => ConsumeRequirements(request),
        _ => [],
    };

    /// <summary>
    /// PUB on the topic of a send; a send to a group's retry topic, which a 4.x consumer makes when its send-back failed,
    /// needs SUB on that group instead, as a send-back does.
    /// </summary>
    private static AccessRequirement SendRequirement(string topic) =>
        ResourceNames.RetryGroup(topic) is { } group ? SubGroup(group) : new AccessRequirement(AclResourceKind.Topic, topic, AclPermission.Pub);

    /// <summary>
    /// A pull or a consumer-offset request: SUB on its consumer group and on its topic; the group's retry topic is covered
    /// by SUB on the group, as for a heartbeat. A request missing either field names nothing to check: its processor refuses it.
    /// </summary>
    private static IEnumerable<AccessRequirement> ConsumeRequirements(RemotingCommand request)
    {
        if (request.Field("consumerGroup") is not { Length: > 0 } group || request.Field("topic") is not { Length: > 0 } topic)
        {
            return [];
        }

        return topic.StartsWith(ResourceNames.RetryPrefix, StringComparison.Ordinal)
            ? [SubGroup(group)]
            : [SubGroup(group), new AccessRequirement(AclResourceKind.Topic, topic, AclPermission.Sub)];
    }

    /// <summary>
    /// What RocketMQ's plain ACL asks of a heartbeat: SUB on each consumer group and on each topic it subscribes to; the
    /// group's retry topic, which a 4.x push consumer subscribes to itself, is covered by SUB on the group.
    /// </summary>
    private static IEnumerable<AccessRequirement> HeartbeatRequirements(RemotingCommand request)
    {
        HeartbeatData heartbeat;
        try
        {
            heartbeat = request.ReadBody<HeartbeatData>();
        }
        catch (RemotingProtocolException)
        {
            // Names nothing to check; the processor answers the malformed body.
            return [];
        }

        return heartbeat.ConsumerDataSet.SelectMany(consumer => consumer.SubscriptionDataSet
            .Where(subscription => !subscription.Topic.StartsWith(ResourceNames.RetryPrefix, StringComparison.Ordinal))
            .Select(subscription => new AccessRequirement(AclResourceKind.Topic, subscription.Topic, AclPermission.Sub))
            .Prepend(SubGroup(consumer.GroupName)));
    }

    private static AccessRequirement SubGroup(string group) => new(AclResourceKind.Group, group, AclPermission.Sub);

    [LoggerMessage(1, LogLevel.Warning, "Refused remoting request code {Code} from {Peer} (access key {AccessKey}): NO_PERMISSION {Reason}")]
    private partial void LogRefused(int code, string peer, string accessKey, string reason);
}
