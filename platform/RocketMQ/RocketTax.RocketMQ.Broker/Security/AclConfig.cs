using RocketTax.RocketMQ.Remoting;

namespace RocketTax.RocketMQ.Broker.Security;

/// <summary>The accounts of an ACL file (<c>aclConfigFile</c>), by access key.</summary>
public sealed record AclConfig(IReadOnlyDictionary<string, AclAccount> Accounts, string Source)
{
    /// <summary>
    /// How this broker signs its own remoting calls to the other masters (a topic created on all of them, say): as the
    /// file's first admin account by access key, so every master sharing one ACL file signs as the same account, and
    /// unsigned when the file has no admin.
    /// </summary>
    public RemotingCredentials? PeerCredentials { get; } = Accounts.Values
        .Where(account => account.Admin)
        .OrderBy(account => account.AccessKey, StringComparer.Ordinal)
        .Select(account => new RemotingCredentials(account.AccessKey, account.SecretKey))
        .FirstOrDefault();
}
