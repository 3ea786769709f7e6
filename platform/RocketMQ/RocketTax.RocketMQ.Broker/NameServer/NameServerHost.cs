using System.Globalization;
using RocketTax.RocketMQ.Broker.Diagnostics;
using RocketTax.RocketMQ.Broker.Hosting;
using RocketTax.RocketMQ.Broker.Remoting;
using RocketTax.RocketMQ.Remoting;

namespace RocketTax.RocketMQ.Broker.NameServer;

/// <summary>Runs one name server until SIGTERM/Ctrl+C: the remoting port, the route table, the expiry scan.</summary>
public static class NameServerHost
{
    /// <summary>The line RocketMQ's name server prints when it is up; scripts and tests wait for it.</summary>
    public const string BootLine = "The Name Server boot success. serializeType=JSON";

    public static async Task<int> RunAsync(NameServerConfig config, CancellationToken cancellationToken)
    {
        var builder = CreateBuilder();
        builder.Logging.AddRocketMQConsole();
        builder.Logging.AddFilter("Microsoft.Hosting", LogLevel.Warning);
        builder.Services.AddNameServer(config);
        var export = OtlpExport.AddWhenConfigured(builder, DefaultServiceName(config));

        using var host = builder.Build();
        await host.StartAsync(cancellationToken).ConfigureAwait(false);
        if (export is not null)
        {
            host.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(NameServerHost)).LogInformation("{OtlpExport}", export);
        }

        Console.WriteLine(BootLine);
        await host.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
        Console.WriteLine($"The Name Server on port {config.ListenPort} shutdown OK");
        return 0;
    }

    /// <summary>
    /// The generic host's builder, without reload of appsettings.json: watching for it means inotify on the working
    /// directory and all below it, which under the AppHost holds every broker's store, so each commit-log write
    /// would wake a watcher thread in the name server. The broker's host does the same.
    /// </summary>
    public static HostApplicationBuilder CreateBuilder() =>
        Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = ["--hostBuilder:reloadConfigOnChange=false"] });

    /// <summary>The <c>service.name</c> a name server reports under unless told otherwise: <c>namesrv-9876</c>.</summary>
    public static string DefaultServiceName(NameServerConfig config) => $"namesrv-{config.ListenPort.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Registers the name server's parts.</summary>
    public static IServiceCollection AddNameServer(this IServiceCollection services, NameServerConfig config)
    {
        services.AddSingleton(config);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<RouteInfoManager>();
        services.AddSingleton<NameServerRequestProcessor>();
        services.AddSingleton(sp => new RemotingServer(
            new RemotingServerOptions(config.ListenPort),
            [sp.GetRequiredService<NameServerRequestProcessor>()],
            sp.GetRequiredService<ILogger<RemotingServer>>()));
        services.AddHostedService<RemotingServerService>();
        services.AddHostedService<BrokerExpiryService>();
        return services;
    }
}
