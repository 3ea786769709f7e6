using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using RocketTax.RocketMQ.Client;
using RocketTax.Testing;

namespace RocketTax.Tests;

/// <summary>
/// The operator console in Chromium against the whole graph the AppHost starts, through the link the cluster resource
/// shows: both brokers, the province's group draining the city's reports to a lag of 0, a report found by its key, a
/// dead letter resent and consumed. The steps are the console's own browser test's (<see cref="ConsolePages"/>).
/// </summary>
[Collection(nameof(GraphCollection))]
public sealed class ConsoleBrowserTests
{
    private const string Cluster = "DefaultCluster";
    private static readonly TimeSpan StepsTimeout = TimeSpan.FromMinutes(2);

    // Seven processes and a browser share two cores: give client calls more room than their 3 s default.
    private static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(15);

    [Fact(Timeout = GraphFixture.TestTimeoutMs)]
    public async Task An_operator_sees_the_graph_reports_drain_finds_one_by_key_and_resends_a_dead_letter()
    {
        Chromium.Require();
        var ct = TestContext.Current.CancellationToken;
        await using var graph = await GraphFixture.StartAsync(ct);
        await graph.WaitAllHealthyAsync(ct);
        await graph.WaitHealthyAsync("rocketmq-console", GraphFixture.StartTimeout, ct);
        var login = await graph.ConsoleLoginUrlAsync(ct);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1440, Height = 900 } });
        page.SetDefaultTimeout(30_000);
        var console = new ConsolePages(page, new Uri(login.GetLeftPart(UriPartial.Authority)), "graph-console");

        await console.LogInAsync(login.ToString(), "broker-a", "broker-b");
        await console.ScreenshotAsync("cluster");

        // One report of our own, keyed by its id, then the seed's 100: ProvinceTax takes them all and its group drains.
        var reportId = $"G-{Guid.NewGuid():N}"[..20];
        const string title = "G市2021年度第三季度税务汇总数据";
        using (var city = graph.CreateHttpClient("citytax"))
        {
            var report = new { id = reportId, cityCode = "G", year = 2021, quarter = 3, title, totalIncome = 1_000_000m, totalTax = 130_000m };
            (await city.PostAsJsonAsync("/api/tax-reports", report, ct)).EnsureSuccessStatusCode();
        }

        Assert.True(await graph.SendSeedReportsAsync(GraphFixture.StartTimeout, ct) >= 100, "ProvinceTax did not store the seed's reports");
        // The operator's steps poll the console; they get as long as the console's own browser test gives them.
        using var steps = CancellationTokenSource.CreateLinkedTokenSource(ct);
        steps.CancelAfter(StepsTimeout);
        await console.WaitForNoLagAsync("consumer-group", "tax-data-topic", steps.Token);
        await console.ScreenshotAsync("consumer-groups");

        await console.FindByKeyAsync(reportId, title);
        await console.ScreenshotAsync("messages");

        // A group with no retries that never acks: its message lands in %DLQ%; resent from the console, it is consumed.
        var nameServers = graph.App.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<RocketMQClusterResource>().Single().NameServerAddresses;
        var endpoints = await graph.App.GetConnectionStringAsync("rocketmq", ct);
        const string topic = "graph-dlq-topic";
        const string group = "graph-dlq-group";
        var noRetries = await MqAdmin.RunAsync(ct, null, "updateSubGroup", "-n", nameServers, "-c", Cluster, "-g", group, "-r", "0");
        Assert.True(noRetries.ExitCode == 0, noRetries.ToString());
        await using var producer = new Producer(new ProducerOptions { Endpoints = endpoints!, Topics = [topic], RequestTimeout = ClientTimeout });
        await producer.StartAsync(ct);
        await using var failing = new SimpleConsumer(new SimpleConsumerOptions
        {
            Endpoints = endpoints!,
            RequestTimeout = ClientTimeout,
            ConsumerGroup = group,
            Subscriptions = new Dictionary<string, FilterExpression> { [topic] = FilterExpression.SubAll },
            AwaitDuration = TimeSpan.FromSeconds(2),
        });
        await failing.StartAsync(ct);
        await console.ResendDeadLetterAndConsumeAsync(producer, failing, group, topic, "graph-dlq-key", steps.Token);
    }
}
