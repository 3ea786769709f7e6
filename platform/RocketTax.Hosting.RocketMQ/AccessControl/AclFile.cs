using System.Globalization;
using System.Text;
using Aspire.Hosting.ApplicationModel;
using RocketTax.RocketMQ.Broker.Security;

namespace RocketTax.Hosting.RocketMQ.AccessControl;

/// <summary>
/// Writes the cluster's <c>plain_acl.yml</c> at each start, beside the brokers' properties files: the admin account, then each
/// app's account with its topic and group permissions and DENY for everything else.
/// </summary>
internal static class AclFile
{
    public static string PathFor(RocketMQClusterResource cluster) => Path.Combine(NodePropertiesFile.ConfDir(cluster), ClusterAccessControl.FileName);

    /// <summary>Where a broker reads the file: the host path, or the conf directory as a container sees it.</summary>
    public static string PathAsSeenBy(RocketMQClusterResource cluster, IRocketMQBrokerResource broker) =>
        broker is ContainerResource ? $"{NodePropertiesFile.ContainerConfDir}/{ClusterAccessControl.FileName}" : PathFor(cluster);

    public static async Task WriteAsync(RocketMQClusterResource cluster, ClusterAccessControl accessControl, CancellationToken cancellationToken)
    {
        var text = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"# The accounts of {cluster.Name}, written by the AppHost at each start: change the AppHost, not this file.")
            .AppendLine("accounts:");
        foreach (var account in accessControl.Accounts)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  - accessKey: {account.AccessKey}")
                .AppendLine(CultureInfo.InvariantCulture, $"    secretKey: {account.SecretKey}")
                .AppendLine(CultureInfo.InvariantCulture, $"    admin: {(account.Admin ? "true" : "false")}");
            if (account.Permissions is { } permissions)
            {
                text.AppendLine("    defaultTopicPerm: DENY").AppendLine("    defaultGroupPerm: DENY");
                AppendPerms(text, "topicPerms", permissions.Topics);
                AppendPerms(text, "groupPerms", permissions.Groups);
            }
        }

        var path = PathFor(cluster);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, text.ToString(), cancellationToken).ConfigureAwait(false);
        if (!OperatingSystem.IsWindows() && cluster.Mode == RocketMQMode.Embedded)
        {
            // Secrets: only the user running the AppHost, and so the brokers, reads them (a container's user may not be that user).
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    private static void AppendPerms(StringBuilder text, string list, IReadOnlyDictionary<string, AclPermission> granted)
    {
        if (granted.Count == 0)
        {
            return;
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"    {list}:");
        foreach (var (name, permission) in granted)
        {
            var value = permission == (AclPermission.Pub | AclPermission.Sub) ? "PUB|SUB" : permission.ToString().ToUpperInvariant();
            text.AppendLine(CultureInfo.InvariantCulture, $"      - {name}={value}");
        }
    }
}
