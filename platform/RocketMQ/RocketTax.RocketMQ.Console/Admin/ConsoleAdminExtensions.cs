using Microsoft.Extensions.Options;
using RocketTax.RocketMQ.Remoting;
using RocketTax.RocketMQ.Remoting.Admin;

namespace RocketTax.RocketMQ.Console.Admin;

/// <summary>The console's side of the cluster: one remoting client and the admin client over it, aimed at the configured name servers.</summary>
public static class ConsoleAdminExtensions
{
    public static WebApplicationBuilder AddConsoleAdmin(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ConsoleOptions>()
            .Bind(builder.Configuration.GetSection(ConsoleOptions.Section))
            .Configure<IConfiguration>((options, configuration) =>
            {
                if (configuration.GetConnectionString(ConsoleOptions.ConnectionName) is { Length: > 0 } nameServers)
                {
                    options.NameServers = nameServers;
                }
            })
            .Validate(o => !NameServerList.Parse(o.NameServers).IsEmpty,
                $"no name server: set ConnectionStrings:{ConsoleOptions.ConnectionName} to \"host:port;host:port\" (the name servers' remoting ports)")
            .Validate(o => string.IsNullOrEmpty(o.AccessKey) == string.IsNullOrEmpty(o.SecretKey),
                $"set both {ConsoleOptions.Section}:AccessKey and {ConsoleOptions.Section}:SecretKey, or neither")
            .ValidateOnStart();

        builder.Services.AddSingleton(sp => NameServerList.Parse(sp.GetRequiredService<IOptions<ConsoleOptions>>().Value.NameServers));
        builder.Services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<ConsoleOptions>>().Value;
            return new RemotingClient { ConnectTimeout = options.CallTimeout, Credentials = RemotingCredentials.FromKeys(options.AccessKey, options.SecretKey) };
        });
        builder.Services.AddSingleton(sp => new MQAdminClient(
            sp.GetRequiredService<NameServerList>(),
            sp.GetRequiredService<RemotingClient>(),
            sp.GetRequiredService<IOptions<ConsoleOptions>>().Value.CallTimeout));
        builder.Services.AddSingleton<ClusterOverviewReader>();
        return builder;
    }

    /// <summary><c>GET /api/cluster</c>: the cluster page's data as JSON, for scripts (401 without the auth cookie).</summary>
    public static WebApplication MapConsoleApi(this WebApplication app)
    {
        var api = app.MapGroup("/api");
        api.MapGet("/cluster", async (ClusterOverviewReader reader, CancellationToken cancellationToken) =>
            Results.Ok(await reader.ReadAsync(cancellationToken)));
        return app;
    }
}
