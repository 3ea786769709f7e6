namespace RocketTax.RocketMQ.Broker.Security;

/// <summary>What an account may do with a topic or group, as RocketMQ's plain ACL spells it (<c>PUB|SUB</c>, <c>DENY</c>).</summary>
[Flags]
public enum AclPermission
{
    None = 0,
    Pub = 1,
    Sub = 2,
    Deny = 4,
}
