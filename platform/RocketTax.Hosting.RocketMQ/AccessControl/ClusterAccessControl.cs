namespace RocketTax.Hosting.RocketMQ.AccessControl;

/// <summary>
/// The accounts of a cluster declared with <c>WithAccessControl()</c>: the integration's admin, which signs topic creation,
/// health checks, live figures and the dashboard's commands, and one account per app, by the app's resource name.
/// </summary>
internal sealed class ClusterAccessControl(RocketMQAccount admin)
{
    /// <summary>The ACL file every broker of the cluster reads, beside their properties files.</summary>
    public const string FileName = "plain_acl.yml";

    public RocketMQAccount Admin { get; } = admin;

    public Dictionary<string, RocketMQAccount> Apps { get; } = new(StringComparer.Ordinal);

    public IEnumerable<RocketMQAccount> Accounts => Apps.Values.Prepend(Admin);
}
