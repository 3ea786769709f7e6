using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using RocketTax.RocketMQ.Client;
using RocketTax.RocketMQ.Console.Admin;
using RocketTax.RocketMQ.Remoting;
using RocketTax.RocketMQ.Remoting.Admin;
using RocketTax.Testing;

[assembly: AssemblyFixture(typeof(RocketTax.RocketMQ.Console.Tests.ConsoleFixture))]

namespace RocketTax.RocketMQ.Console.Tests;

/// <summary>
/// The seed's two-master cluster as real processes (two name servers, broker-a, broker-b) and the console on
/// Kestrel pointed at it, with a known browser token and a dashboard URL for trace links.
/// </summary>
public sealed class ConsoleFixture : IAsyncLifetime
{
    public const string Token = "console-test-token-0123456789abcdef";
    public const string DashboardUrl = "http://dashboard.test:18888";
    public const string ClusterName = "DefaultCluster";

    // Two shared cores run the cluster, the console and the tests: give calls more room than the clients' 3 s default.
    private static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(15);

    private readonly RemotingClient _remoting = new();
    private WebApplicationFactory<ConsoleOptions>? _console;

    public ClusterFixture Cluster { get; } = new();

    public MQAdminClient Admin { get; private set; } = null!;

    /// <summary>Where the console listens, e.g. <c>http://127.0.0.1:40123</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The brokers' gRPC endpoints, as RocketTax's client takes them.</summary>
    public string Endpoints => $"{Cluster.BrokerA.GrpcEndpoint};{Cluster.BrokerB.GrpcEndpoint}";

    public async ValueTask InitializeAsync()
    {
        await Cluster.InitializeAsync();
        Admin = new MQAdminClient(NameServerList.Parse(Cluster.NamesrvAddr), _remoting, TimeSpan.FromSeconds(5));

        var console = new WebApplicationFactory<ConsoleOptions>().WithWebHostBuilder(web =>
        {
            web.UseUrls($"http://127.0.0.1:{FreePort.Next()}");
            web.UseSetting("ConnectionStrings:rocketmq", Cluster.NamesrvAddr);
            web.UseSetting("Console:BrowserToken", Token);
            web.UseSetting("Console:DashboardUrl", DashboardUrl);
        });
        // Kestrel, not the in-memory test server: Chromium needs a real port (the URL above; WithWebHostBuilder drops UseKestrel's port).
        console.UseKestrel();
        console.StartServer();
        _console = console;
        var address = console.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address.Replace("localhost", "127.0.0.1", StringComparison.Ordinal).Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
    }

    public async ValueTask DisposeAsync()
    {
        if (_console is not null)
        {
            await _console.DisposeAsync();
        }

        await _remoting.DisposeAsync();
        await Cluster.DisposeAsync();
    }

    /// <summary>An HTTP client without the auth cookie that shows redirects instead of following them.</summary>
    public HttpClient AnonymousClient() =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>An HTTP client that logged in with the token and keeps the cookie it got.</summary>
    public async Task<HttpClient> LoggedInClientAsync(CancellationToken cancellationToken)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() })
        {
            BaseAddress = BaseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
        using var login = await client.GetAsync($"/login?t={Token}", cancellationToken);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        return client;
    }

    /// <summary>Creates a topic on both masters and waits until the name servers route it to both.</summary>
    public async Task CreateTopicAsync(string topic, CancellationToken cancellationToken)
    {
        await Admin.CreateTopicAsync(ClusterName, new TopicSettings(topic), cancellationToken);
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                return (await Admin.RouteAsync(topic, cancellationToken)).BrokerDatas.Count == 2;
            }
            catch (AdminException)
            {
                return false;
            }
        }, $"topic {topic} to be routed to both brokers", cancellationToken);
    }

    /// <summary>A started producer for <paramref name="topic"/>; the caller disposes it.</summary>
    public async Task<Producer> ProducerAsync(string topic, CancellationToken cancellationToken)
    {
        var producer = new Producer(new ProducerOptions { Endpoints = Endpoints, Topics = [topic], RequestTimeout = ClientTimeout });
        await producer.StartAsync(cancellationToken);
        return producer;
    }

    /// <summary>A started simple consumer of <paramref name="group"/> on every message of <paramref name="topic"/>.</summary>
    public async Task<SimpleConsumer> ConsumerAsync(string group, string topic, CancellationToken cancellationToken)
    {
        var consumer = new SimpleConsumer(new SimpleConsumerOptions
        {
            Endpoints = Endpoints,
            RequestTimeout = ClientTimeout,
            ConsumerGroup = group,
            Subscriptions = new Dictionary<string, FilterExpression> { [topic] = FilterExpression.SubAll },
            AwaitDuration = TimeSpan.FromSeconds(2),
        });
        await consumer.StartAsync(cancellationToken);
        return consumer;
    }

    /// <summary>Sets the group's retries to none, so a message not acked in time goes straight to its DLQ.</summary>
    public async Task NoRetriesAsync(string group, CancellationToken cancellationToken)
    {
        var result = await MqAdmin.RunAsync(cancellationToken, null, "updateSubGroup", "-n", Cluster.NamesrvAddr, "-c", ClusterName, "-g", group, "-r", "0");
        Assert.True(result.ExitCode == 0, result.ToString());
    }
}
