namespace RocketTax.RocketMQ.Broker.Security;

/// <summary>The two kinds of resource the ACL file grants permissions on.</summary>
public enum AclResourceKind
{
    Topic,
    Group,
}
