namespace RocketTax.RocketMQ.Broker.Security;

/// <summary>The accounts of an ACL file (<c>aclConfigFile</c>), by access key.</summary>
public sealed record AclConfig(IReadOnlyDictionary<string, AclAccount> Accounts, string Source);
