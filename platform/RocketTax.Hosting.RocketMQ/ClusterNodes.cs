using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RocketTax.Hosting.RocketMQ.Commands;
using RocketTax.Hosting.RocketMQ.HealthChecks;

namespace RocketTax.Hosting.RocketMQ;

/// <summary>Creates the name server and broker resources of a cluster, as processes (embedded) or containers.</summary>
internal sealed class ClusterNodes(IDistributedApplicationBuilder builder, RocketMQClusterResource cluster, string image)
{
    private readonly HostPorts _ports = new(builder.Configuration.GetValue("RocketMQ:RandomPorts", false));

    public IRocketMQNameServerResource AddNameServer(string name, int index)
    {
        var port = _ports.Take(RocketMQBrokerDefaults.NameServerPort(index));
        IRocketMQNameServerResource nameServer;
        if (cluster.Mode == RocketMQMode.Container)
        {
            var container = new RocketMQNameServerContainerResource(name, cluster);
            Image(builder.AddResource(container))
                .WithEndpoint(port: port, targetPort: NodePropertiesFile.NameServerContainerPort, scheme: "tcp", name: RocketMQEndpointNames.Remoting, isProxied: false)
                .WithArgs("sh", "mqnamesrv");
            nameServer = container;
        }
        else
        {
            var process = new RocketMQNameServerResource(name, builder.AppHostDirectory, cluster);
            builder.AddResource(process)
                .WithEndpoint(port: port, targetPort: port, scheme: "tcp", name: RocketMQEndpointNames.Remoting, isProxied: false)
                .WithArgs(context =>
                {
                    // The file names the port and sits in the cluster's data dir, so every process of a graph is traceable to it.
                    context.Args.Add(RocketMQExecutable.DllPath);
                    context.Args.Add("mqnamesrv");
                    context.Args.Add("-c");
                    context.Args.Add(NodePropertiesFile.PathFor(cluster, process));
                })
                .WithOtlpExporter();
            nameServer = process;
        }

        AddHealthCheck(nameServer, _ => new NameServerHealthCheck(nameServer));
        // A relationship, not IResourceWithParent: a child would also carry the cluster's health check, which waits on the brokers.
        nameServer.Annotations.Add(new ResourceRelationshipAnnotation(cluster, "Parent"));
        cluster.NameServers.Add(nameServer);
        foreach (var broker in cluster.Brokers)
        {
            broker.Annotations.Add(new WaitAnnotation(nameServer, WaitType.WaitUntilHealthy));
        }

        return nameServer;
    }

    public void RemoveNameServer(IRocketMQNameServerResource nameServer)
    {
        cluster.NameServers.Remove(nameServer);
        builder.Resources.Remove(nameServer);
        foreach (var broker in cluster.Brokers)
        {
            foreach (var wait in broker.Annotations.OfType<WaitAnnotation>().Where(w => w.Resource == nameServer).ToList())
            {
                broker.Annotations.Remove(wait);
            }
        }
    }

    public IRocketMQBrokerResource AddBroker(string name)
    {
        var index = cluster.Brokers.Count;
        var remoting = _ports.Take(RocketMQBrokerDefaults.BrokerRemotingPort(index));
        var grpc = _ports.Take(RocketMQBrokerDefaults.BrokerGrpcPort(index));
        IRocketMQBrokerResource broker;
        if (cluster.Mode == RocketMQMode.Container)
        {
            var container = new RocketMQBrokerContainerResource(name, cluster);
            // Brokers advertise 127.0.0.1 with their own ports, so the container publishes the same port numbers.
            Image(builder.AddResource(container))
                .WithEndpoint(port: remoting, targetPort: remoting, scheme: "tcp", name: RocketMQEndpointNames.Remoting, isProxied: false)
                .WithEndpoint(port: grpc, targetPort: grpc, scheme: "http", name: RocketMQEndpointNames.Grpc, isProxied: false)
                .WithEndpoint(RocketMQEndpointNames.Grpc, e => e.Transport = "http2")
                .WithArgs(context =>
                {
                    context.Args.Add("sh");
                    context.Args.Add("mqbroker");
                    context.Args.Add("-n");
                    context.Args.Add(string.Join(';', cluster.NameServers.Select(ns => $"{ns.Name}:{NodePropertiesFile.NameServerContainerPort}")));
                    context.Args.Add("-c");
                    context.Args.Add($"{NodePropertiesFile.ContainerConfDir}/{name}.properties");
                    context.Args.Add("--enable-proxy");
                });
            broker = container;
        }
        else
        {
            var process = new RocketMQBrokerResource(name, builder.AppHostDirectory, cluster);
            builder.AddResource(process)
                .WithEndpoint(port: remoting, targetPort: remoting, scheme: "tcp", name: RocketMQEndpointNames.Remoting, isProxied: false)
                .WithEndpoint(port: grpc, targetPort: grpc, scheme: "http", name: RocketMQEndpointNames.Grpc, isProxied: false)
                .WithEndpoint(RocketMQEndpointNames.Grpc, e => e.Transport = "http2")
                .WithArgs(context =>
                {
                    context.Args.Add(RocketMQExecutable.DllPath);
                    context.Args.Add("mqbroker");
                    context.Args.Add("-c");
                    context.Args.Add(NodePropertiesFile.PathFor(cluster, process));
                    context.Args.Add("-n");
                    context.Args.Add(cluster.NameServerAddresses);
                    context.Args.Add("--enable-proxy");
                })
                .WithOtlpExporter();
            broker = process;
        }

        builder.CreateResourceBuilder(broker).WithBrokerCommands();
        AddHealthCheck(broker, _ => new BrokerHealthCheck(broker));
        broker.Annotations.Add(new ResourceRelationshipAnnotation(cluster, "Parent"));
        foreach (var nameServer in cluster.NameServers)
        {
            broker.Annotations.Add(new WaitAnnotation(nameServer, WaitType.WaitUntilHealthy));
        }

        cluster.Brokers.Add(broker);
        return broker;
    }

    /// <summary>
    /// Container mode, once the data path is final: each broker sees the generated properties files (read-only) and its store, in a named
    /// volume or in <c>&lt;DataPath&gt;/&lt;broker&gt;</c>.
    /// </summary>
    public void ApplyMounts()
    {
        foreach (var broker in cluster.Brokers.OfType<ContainerResource>())
        {
            foreach (var mount in broker.Annotations.OfType<ContainerMountAnnotation>()
                         .Where(m => m.Target is NodePropertiesFile.ContainerStorePath or NodePropertiesFile.ContainerConfDir).ToList())
            {
                broker.Annotations.Remove(mount);
            }

            broker.Annotations.Add(new ContainerMountAnnotation(
                NodePropertiesFile.ConfDir(cluster), NodePropertiesFile.ContainerConfDir, ContainerMountType.BindMount, isReadOnly: true));
            broker.Annotations.Add(cluster.UseDataVolumes
                ? new ContainerMountAnnotation($"{cluster.Name}-{broker.Name}-data", NodePropertiesFile.ContainerStorePath, ContainerMountType.Volume, isReadOnly: false)
                : new ContainerMountAnnotation(NodePropertiesFile.StorePathFor(cluster, broker), NodePropertiesFile.ContainerStorePath, ContainerMountType.BindMount, isReadOnly: false));
        }
    }

    private IResourceBuilder<T> Image<T>(IResourceBuilder<T> resource) where T : ContainerResource
    {
        var colon = image.LastIndexOf(':');
        return colon > image.LastIndexOf('/') ? resource.WithImage(image[..colon], image[(colon + 1)..]) : resource.WithImage(image);
    }

    private void AddHealthCheck(IResource resource, Func<IServiceProvider, IHealthCheck> factory)
    {
        var key = $"{resource.Name}_check";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            key,
            services => new StartingNodeHealthCheck(
                factory(services), resource, services.GetRequiredService<ResourceNotificationService>(), services.GetService<TimeProvider>() ?? TimeProvider.System),
            failureStatus: null,
            tags: null,
            timeout: TimeSpan.FromSeconds(8)));
        resource.Annotations.Add(new HealthCheckAnnotation(key));
        resource.Annotations.Add(ManifestPublishingCallbackAnnotation.Ignore);
    }
}
