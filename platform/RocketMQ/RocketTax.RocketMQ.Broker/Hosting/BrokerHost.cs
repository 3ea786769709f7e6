using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using RocketTax.RocketMQ.Broker.Configuration;
using RocketTax.RocketMQ.Broker.Diagnostics;
using RocketTax.RocketMQ.Broker.Grpc;
using RocketTax.RocketMQ.Broker.Grpc.Transport;
using RocketTax.RocketMQ.Broker.Managers;
using RocketTax.RocketMQ.Broker.Security;
using RocketTax.RocketMQ.Broker.Store;

namespace RocketTax.RocketMQ.Broker.Hosting;

/// <summary>Runs one broker: opens the store, serves gRPC until SIGTERM/Ctrl+C, then flushes and closes everything.</summary>
public static class BrokerHost
{
    public static async Task<int> RunAsync(BrokerConfig config, CancellationToken cancellationToken)
    {
        // No reload of appsettings.json: watching for it means inotify on the working directory and all below it,
        // which is often the store, so every commit-log write woke a watcher thread (a few % of the broker's CPU).
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        builder.Logging.AddRocketMQConsole();
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

        // Off, not Warning: while this category logs at any level, ASP.NET Core starts an Activity and a logging
        // scope for every request, and nothing here reads them (the broker's spans are its own).
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        builder.Logging.AddFilter("Grpc", LogLevel.Warning);
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(10));
        var identity = new BrokerIdentity(config);
        var export = OtlpExport.AddWhenConfigured(builder, identity.BrokerName);
        using var loggerFactory = LoggerFactory.Create(logging => logging.AddRocketMQConsole());
        X509Certificate2? certificate;
        try
        {
            certificate = config.TlsServerMode == TlsServerMode.Disabled
                ? null
                : BrokerCertificate.LoadOrCreate(config, loggerFactory.CreateLogger(typeof(BrokerCertificate).FullName!));
        }
        catch (ConfigurationException ex)
        {
            await Console.Error.WriteLineAsync($"mqbroker: {ex.Message}").ConfigureAwait(false);
            return 2;
        }

        using var tlsCertificate = certificate;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Any, config.GrpcServerPort, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                listen.UseBrokerTls(config.TlsServerMode, certificate);
                if (config.GrpcTransport == GrpcTransport.Native)
                {
                    listen.UseConnectionHandler<NativeGrpcConnectionHandler>();
                }
            });
            kestrel.Limits.Http2.MaxStreamsPerConnection = 1024;
        });

        var store = await MessageStore.OpenAsync(
            config.ToStoreOptions(identity.RemotingAddress), loggerFactory.CreateLogger<MessageStore>(), TimeProvider.System, cancellationToken).ConfigureAwait(false);
        await using (store.ConfigureAwait(false))
        {
            builder.Services.AddBroker(config, store, certificate);
            var app = builder.Build();
            if (config.GrpcTransport == GrpcTransport.Kestrel)
            {
                app.MapGrpcService<MessagingServiceEndpoint>();
            }

            try
            {
                // Recover consumer progress before the first request; the container disposes it (flushing its journal) at stop.
                _ = app.Services.GetRequiredService<PopManager>();

                // Its gauges (lag, DLQ size) exist from the start, not from the first send. Resolving them loads the
                // topics and consumer offsets, whose files may be unusable.
                _ = app.Services.GetRequiredService<BrokerMetrics>();
            }
            catch (ConfigurationException ex)
            {
                await Console.Error.WriteLineAsync($"mqbroker: {ex.Message}").ConfigureAwait(false);
                await app.DisposeAsync().ConfigureAwait(false);
                return 2;
            }

            // Read the ACL file before the first request, so its warnings come at start.
            _ = app.Services.GetService<AccessValidator>();
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            if (export is not null)
            {
                app.Logger.LogInformation("{OtlpExport}", export);
            }

            Console.WriteLine(BootLine(config, identity));
            await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
        }

        Console.WriteLine($"The broker[{identity.BrokerName}, {identity.RemotingAddress}] shutdown OK");
        return 0;
    }

    /// <summary>The line RocketMQ prints when a broker is up; scripts and tests wait for it.</summary>
    public static string BootLine(BrokerConfig config, BrokerIdentity identity) =>
        $"The broker[{identity.BrokerName}, {identity.RemotingAddress}] boot success. serializeType=JSON"
        + (string.IsNullOrEmpty(config.NamesrvAddr) ? string.Empty : $" and name server is {config.NamesrvAddr}");
}
