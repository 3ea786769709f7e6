using System.Security.Cryptography;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using RocketTax.Hosting.RocketMQ;

namespace Aspire.Hosting;

/// <summary>Adds RocketTax's operator console (cluster, topics, consumer lag, messages, DLQ) to a RocketMQ cluster of the graph.</summary>
public static class RocketMQConsoleBuilderExtensions
{
    private const string LoginPath = "/login";

    /// <summary>
    /// Runs the console as project resource <paramref name="name"/> against the cluster's name servers, with a browser token
    /// generated for this run. The console's URL, and a <c>console</c> link on the cluster resource, log the browser in.
    /// Trace ids link to this AppHost's dashboard.
    /// </summary>
    public static IResourceBuilder<RocketMQClusterResource> WithConsole(this IResourceBuilder<RocketMQClusterResource> builder, [ResourceName] string? name = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var cluster = builder.Resource;
        var app = builder.ApplicationBuilder;
        var nameServers = cluster.NameServers.Count > 0
            ? null
            : app.Configuration["RocketMQ:NameServers"] ?? throw new DistributedApplicationException(
                $"the console of '{cluster.Name}' speaks to name servers, and an external cluster has none known here: " +
                "set RocketMQ__NameServers=\"host:9876;host:9876\"");
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var dashboardUrl = app.Configuration["ASPNETCORE_URLS"]?.Split(';', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();

        var console = app.AddProject<ConsoleProject>(name ?? $"{cluster.Name}-console")
            .WithBuiltAssembly()
            .WithEnvironment("ConnectionStrings__rocketmq", () => nameServers ?? cluster.NameServerAddresses)
            .WithEnvironment("Console__BrowserToken", token)
            .WithEnvironment(context =>
            {
                // Under access control the console's admin requests sign as the integration's admin account.
                if (cluster.AccessControl?.Admin is { } admin)
                {
                    context.EnvironmentVariables["Console__AccessKey"] = admin.AccessKey;
                    context.EnvironmentVariables["Console__SecretKey"] = admin.SecretKeyParameter;
                }
            })
            .WithParentRelationship(builder)
            .WaitFor(builder)
            .WithUrlForEndpoint("http", url =>
            {
                url.Url = $"{url.Url.TrimEnd('/')}{LoginPath}?t={token}";
                url.DisplayText = "Console";
            });
        if (dashboardUrl is not null)
        {
            console.WithEnvironment("Console__DashboardUrl", dashboardUrl);
        }

        // The cluster resource has no endpoint of its own; its console link appears once the console has its port.
        app.Eventing.Subscribe<ResourceEndpointsAllocatedEvent>(console.Resource, async (@event, _) =>
        {
            var endpoint = console.GetEndpoint("http");
            var notifications = @event.Services.GetRequiredService<ResourceNotificationService>();
            await notifications.PublishUpdateAsync(cluster, s => s with
            {
                Urls = [.. s.Urls, new UrlSnapshot("console", $"{endpoint.Url}{LoginPath}?t={token}", IsInternal: false) { DisplayProperties = new("Console", 0) }],
            }).ConfigureAwait(false);
        });
        return builder;
    }
}
