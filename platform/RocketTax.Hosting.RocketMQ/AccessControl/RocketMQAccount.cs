using Aspire.Hosting.ApplicationModel;
using RocketTax.RocketMQ.Remoting;

namespace RocketTax.Hosting.RocketMQ.AccessControl;

/// <summary>
/// One account of a cluster's ACL file. The secret is known when the graph is built (generated, or <c>Parameters:&lt;name&gt;</c>),
/// so the file and the integration's own calls use it directly; apps receive it through <see cref="SecretKeyParameter"/>,
/// a secret parameter, so the dashboard masks it.
/// </summary>
/// <param name="Permissions">Null for the integration's admin account, which passes every check.</param>
internal sealed record RocketMQAccount(string AccessKey, string SecretKey, ParameterResource SecretKeyParameter, RocketMQPermissions? Permissions)
{
    public bool Admin => Permissions is null;

    public RemotingCredentials Credentials => new(AccessKey, SecretKey);

    /// <summary>The secret stays out of logs and exception messages.</summary>
    public override string ToString() => $"RocketMQAccount {{ AccessKey = {AccessKey} }}";
}
