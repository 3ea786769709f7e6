using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RocketTax.Hosting.RocketMQ;
using RocketTax.Hosting.RocketMQ.AccessControl;
using RocketTax.Hosting.RocketMQ.Commands;
using RocketTax.Hosting.RocketMQ.Container;
using RocketTax.Hosting.RocketMQ.HealthChecks;

namespace Aspire.Hosting;

/// <summary>Adds a RocketMQ cluster (name servers and master brokers) to an Aspire application, and shapes it.</summary>
public static class RocketMQBuilderExtensions
{
    /// <summary>
    /// Adds the seed's 2m-noslave cluster: <c>namesrv1</c>, <c>namesrv2</c>, <c>broker-a</c>, <c>broker-b</c>. The mode comes
    /// from <c>--rocketmq-mode embedded|container|external</c> or <c>RocketMQ:Mode</c> (embedded when neither is set).
    /// </summary>
    public static IResourceBuilder<RocketMQClusterResource> AddRocketMQ(this IDistributedApplicationBuilder builder, [ResourceName] string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configured = builder.Configuration["rocketmq-mode"] ?? builder.Configuration["RocketMQ:Mode"] ?? nameof(RocketMQMode.Embedded);
        if (!Enum.TryParse<RocketMQMode>(configured, ignoreCase: true, out var mode) || !Enum.IsDefined(mode))
        {
            throw new DistributedApplicationException(
                $"unknown RocketMQ mode '{configured}' (from --rocketmq-mode or RocketMQ__Mode): use embedded, container or external");
        }

        return builder.AddRocketMQ(name, mode);
    }

    /// <summary>Adds the seed's cluster in the given <paramref name="mode"/>.</summary>
    public static IResourceBuilder<RocketMQClusterResource> AddRocketMQ(this IDistributedApplicationBuilder builder, [ResourceName] string name, RocketMQMode mode)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var external = mode == RocketMQMode.External
            ? builder.Configuration.GetConnectionString(name) ?? throw new DistributedApplicationException(
                $"RocketMQ external mode needs the cluster's gRPC endpoints in ConnectionStrings:{name} " +
                $"(e.g. ConnectionStrings__{name}=\"10.0.0.5:8081;10.0.0.6:8081\")")
            : null;
        var cluster = new RocketMQClusterResource(name, mode)
        {
            ExternalEndpoints = external,
            DataPath = builder.Configuration["RocketMQ:DataPath"] ?? Path.Combine(builder.AppHostDirectory, ".rockettax", "data"),
        };
        var image = builder.Configuration["rocketmq-image"] ?? builder.Configuration["RocketMQ:Image"] ?? RocketMQBrokerDefaults.Image;
        var nodes = new ClusterNodes(builder, cluster, image);
        var resource = builder.AddResource(cluster)
            .WithInitialState(new CustomResourceSnapshot { ResourceType = "RocketMQ", State = KnownResourceStates.NotStarted, Properties = [] })
            .WithIconName("BranchFork")
            .WithAnnotation(new ClusterNodesAnnotation(nodes))
            .OnInitializeResource(ClusterStartup.InitializeAsync)
            .WithClusterCommands()
            .ExcludeFromManifest();

        var healthCheckKey = $"{name}_check";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            healthCheckKey, _ => new ClusterHealthCheck(cluster), failureStatus: null, tags: null, timeout: TimeSpan.FromSeconds(10)));
        resource.WithHealthCheck(healthCheckKey);

        if (mode == RocketMQMode.External)
        {
            return resource;
        }

        for (var i = 0; i < RocketMQBrokerDefaults.NameServerCount; i++)
        {
            nodes.AddNameServer($"namesrv{i + 1}", i);
        }

        foreach (var brokerName in RocketMQBrokerDefaults.BrokerNames)
        {
            nodes.AddBroker(brokerName);
        }

        resource.WithTopic("tax-data-topic");
        builder.Eventing.Subscribe<BeforeStartEvent>(async (_, cancellationToken) =>
        {
            if (mode == RocketMQMode.Container && await DockerProbe.FailureAsync(cancellationToken).ConfigureAwait(false) is { } failure)
            {
                throw new DistributedApplicationException(
                    $"RocketMQ container mode cannot start: {failure}. Start Docker (or point DOCKER_HOST at a daemon), " +
                    "or run the cluster as processes with --rocketmq-mode embedded.");
            }

            nodes.ApplyMounts();
            if (cluster.AccessControl is { } accessControl)
            {
                await AclFile.WriteAsync(cluster, accessControl, cancellationToken).ConfigureAwait(false);
            }

            foreach (var nameServer in cluster.NameServers.OfType<RocketMQNameServerResource>())
            {
                await NodePropertiesFile.WriteNameServerAsync(cluster, nameServer, cancellationToken).ConfigureAwait(false);
            }

            foreach (var broker in cluster.Brokers)
            {
                await NodePropertiesFile.WriteBrokerAsync(cluster, broker, cancellationToken).ConfigureAwait(false);
            }
        });
        return resource;
    }

    /// <summary>Runs <paramref name="count"/> name servers (<c>namesrv1</c> ... <c>namesrvN</c>); every broker registers with all of them.</summary>
    public static IResourceBuilder<RocketMQClusterResource> WithNameServers(this IResourceBuilder<RocketMQClusterResource> builder, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var nodes = Nodes(builder);
        while (builder.Resource.NameServers.Count > count)
        {
            nodes.RemoveNameServer(builder.Resource.NameServers[^1]);
        }

        while (builder.Resource.NameServers.Count < count)
        {
            var index = builder.Resource.NameServers.Count;
            nodes.AddNameServer($"namesrv{index + 1}", index);
        }

        return builder;
    }

    /// <summary>Adds the master <paramref name="brokerName"/> (or finds it) and lets <paramref name="configure"/> shape it.</summary>
    public static IResourceBuilder<RocketMQClusterResource> WithBroker(
        this IResourceBuilder<RocketMQClusterResource> builder, string brokerName, Action<IResourceBuilder<IRocketMQBrokerResource>>? configure = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(brokerName);
        var broker = builder.Resource.Brokers.FirstOrDefault(b => b.Name == brokerName) ?? Nodes(builder).AddBroker(brokerName);
        configure?.Invoke(builder.ApplicationBuilder.CreateResourceBuilder(broker));
        return builder;
    }

    /// <summary>Sets one key of a broker's properties file (RocketMQ's names, e.g. <c>maxMessageSize</c>).</summary>
    public static IResourceBuilder<IRocketMQBrokerResource> WithBrokerProperty(this IResourceBuilder<IRocketMQBrokerResource> builder, string key, string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        builder.Resource.Properties[key] = value;
        return builder;
    }

    /// <summary>Creates <paramref name="topic"/> on every master with <paramref name="queues"/> queues each, once the brokers are up.</summary>
    public static IResourceBuilder<RocketMQClusterResource> WithTopic(this IResourceBuilder<RocketMQClusterResource> builder, string topic, int queues = RocketMQBrokerDefaults.QueuesPerBroker)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        ArgumentOutOfRangeException.ThrowIfLessThan(queues, 1);
        builder.Resource.SetTopic(topic, queues);
        return builder;
    }

    /// <summary>Sets every broker's <c>flushDiskType</c>.</summary>
    public static IResourceBuilder<RocketMQClusterResource> WithFlushDiskType(this IResourceBuilder<RocketMQClusterResource> builder, RocketMQFlushDiskType flushDiskType)
    {
        var value = flushDiskType == RocketMQFlushDiskType.SyncFlush ? "SYNC_FLUSH" : "ASYNC_FLUSH";
        foreach (var broker in builder.Resource.Brokers)
        {
            broker.Properties["flushDiskType"] = value;
        }

        return builder;
    }

    /// <summary>Keeps stores and generated properties files under <paramref name="source"/> (<c>&lt;source&gt;/&lt;broker&gt;/</c>, <c>&lt;source&gt;/conf/</c>).</summary>
    public static IResourceBuilder<RocketMQClusterResource> WithDataBindMount(this IResourceBuilder<RocketMQClusterResource> builder, string source)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        builder.Resource.DataPath = Path.GetFullPath(source, builder.ApplicationBuilder.AppHostDirectory);
        builder.Resource.UseDataVolumes = false;
        return builder;
    }

    /// <summary>In container mode, keeps each broker's store in a named volume (<c>&lt;cluster&gt;-&lt;broker&gt;-data</c>); embedded brokers keep theirs under the data path.</summary>
    public static IResourceBuilder<RocketMQClusterResource> WithDataVolume(this IResourceBuilder<RocketMQClusterResource> builder)
    {
        builder.Resource.UseDataVolumes = true;
        return builder;
    }

    private static ClusterNodes Nodes(IResourceBuilder<RocketMQClusterResource> builder) =>
        builder.Resource.Annotations.OfType<ClusterNodesAnnotation>().Single().Nodes;
}
