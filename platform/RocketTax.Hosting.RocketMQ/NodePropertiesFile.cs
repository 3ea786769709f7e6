using System.Globalization;
using System.Text;
using Aspire.Hosting.ApplicationModel;
using RocketTax.Hosting.RocketMQ.AccessControl;

namespace RocketTax.Hosting.RocketMQ;

/// <summary>
/// Writes a name server's properties file (its port) and a broker's: the seed's keys (and any set through <c>WithBrokerProperty</c>), then what the
/// graph decides: name servers, ports from the resource's endpoints, the advertised address, the store and, under access control, the ACL file.
/// </summary>
internal static class NodePropertiesFile
{
    /// <summary>Where a container sees its store and its properties file.</summary>
    public const string ContainerStorePath = "/home/rocketmq/store";
    public const string ContainerConfDir = "/home/rocketmq/conf";

    public static string ConfDir(RocketMQClusterResource cluster) => Path.Combine(cluster.DataPath, "conf");

    public static string PathFor(RocketMQClusterResource cluster, IResource node) =>
        Path.Combine(ConfDir(cluster), $"{node.Name}.properties");

    public static string StorePathFor(RocketMQClusterResource cluster, IResource resource) => Path.Combine(cluster.DataPath, resource.Name);

    public static async Task WriteNameServerAsync(RocketMQClusterResource cluster, IRocketMQNameServerResource nameServer, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(ConfDir(cluster));
        var port = nameServer.HostPort(RocketMQEndpointNames.Remoting).ToString(CultureInfo.InvariantCulture);
        await File.WriteAllTextAsync(
            PathFor(cluster, nameServer),
            $"# {nameServer.Name} of {cluster.ClusterName}, written by the AppHost at each start.\nlistenPort={port}\n",
            cancellationToken).ConfigureAwait(false);
    }

    public static async Task WriteBrokerAsync(RocketMQClusterResource cluster, IRocketMQBrokerResource broker, CancellationToken cancellationToken)
    {
        var inContainer = broker is ContainerResource;
        var keys = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["namesrvAddr"] = inContainer
                ? string.Join(';', cluster.NameServers.Select(ns => $"{ns.Name}:{NameServerContainerPort}"))
                : cluster.NameServerAddresses,
            // Clients on the host reach every broker through 127.0.0.1 (containers publish the same port numbers).
            ["brokerIP1"] = "127.0.0.1",
            ["storePathRootDir"] = inContainer ? ContainerStorePath : StorePathFor(cluster, broker),
        };
        foreach (var (key, value) in broker.Properties)
        {
            keys[key] = value;
        }

        if (cluster.AccessControl is not null)
        {
            keys["aclEnable"] = "true";
            keys["aclConfigFile"] = AclFile.PathAsSeenBy(cluster, broker);
        }

        keys["listenPort"] = broker.HostPort(RocketMQEndpointNames.Remoting).ToString(CultureInfo.InvariantCulture);
        keys["grpcServerPort"] = broker.HostPort(RocketMQEndpointNames.Grpc).ToString(CultureInfo.InvariantCulture);

        var text = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"# {broker.Name} of {cluster.ClusterName}, written by the AppHost at each start: change the AppHost, not this file.");
        foreach (var (key, value) in keys)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{key}={value}");
        }

        Directory.CreateDirectory(ConfDir(cluster));
        if (!inContainer)
        {
            Directory.CreateDirectory(StorePathFor(cluster, broker));
        }

        await File.WriteAllTextAsync(PathFor(cluster, broker), text.ToString(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The port a name server listens on inside its container (the image's default).</summary>
    public const int NameServerContainerPort = 9876;
}
