namespace RocketTax.RocketMQ.Broker.Security;

/// <summary>One account of the ACL file: its keys, whether it is an admin, and its topic and group permissions.</summary>
public sealed record AclAccount(string AccessKey, string SecretKey)
{
    /// <summary>Admins pass every topic and group check.</summary>
    public bool Admin { get; init; }

    /// <summary>Permission on a topic the account does not list; RocketMQ's default is DENY.</summary>
    public AclPermission DefaultTopicPerm { get; init; } = AclPermission.Deny;

    /// <summary>Permission on a group the account does not list; RocketMQ's default is DENY.</summary>
    public AclPermission DefaultGroupPerm { get; init; } = AclPermission.Deny;

    public IReadOnlyDictionary<string, AclPermission> TopicPerms { get; init; } = new Dictionary<string, AclPermission>(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, AclPermission> GroupPerms { get; init; } = new Dictionary<string, AclPermission>(StringComparer.Ordinal);

    public AclPermission TopicPerm(string topic) => TopicPerms.TryGetValue(topic, out var perm) ? perm : DefaultTopicPerm;

    public AclPermission GroupPerm(string group) => GroupPerms.TryGetValue(group, out var perm) ? perm : DefaultGroupPerm;
}
