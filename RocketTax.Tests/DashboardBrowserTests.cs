using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using RocketTax.Testing;
using static Microsoft.Playwright.Assertions;

namespace RocketTax.Tests;

/// <summary>
/// The design's second promise, in Chromium: run the graph with the Aspire dashboard, log in with its token, see every
/// resource running and healthy, post the seed's reports and watch them travel city → broker → province on the Traces
/// page. Each page is saved as a screenshot.
/// </summary>
[Collection(nameof(GraphCollection))]
public sealed class DashboardBrowserTests
{
    private static readonly string[] DashboardResources = [.. GraphFixture.Resources, "rocketmq-console"];

    /// <summary>Long enough for the last of the province's spans to be exported (in batches, every few seconds) after the city's request.</summary>
    private const float TraceTimeoutMs = 60_000;

    /// <summary>How many reports <c>GET /send_s1_tax</c> sends.</summary>
    private const int SeedReports = 100;

    private static readonly string[] BrokerInstruments = ["rocketmq.messages.in", "rocketmq.messages.out", "rocketmq.consumer.lag", "rocketmq.store.duration"];

    [Fact(Timeout = GraphFixture.TestTimeoutMs)]
    public async Task Reports_posted_to_the_city_show_in_the_dashboard_as_one_trace_through_a_broker_to_the_province()
    {
        Chromium.Require();
        var ct = TestContext.Current.CancellationToken;
        await using var graph = await GraphFixture.StartWithDashboardAsync(ct);
        await graph.WaitAllHealthyAsync(ct);
        await graph.WaitHealthyAsync("rocketmq-console", GraphFixture.StartTimeout, ct);
        var login = await graph.DashboardUrlAsync(ct);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1600, Height = 1000 } });
        page.SetDefaultTimeout(30_000);
        SetDefaultExpectTimeout(30_000);
        // The dashboard's own failures show in the page only as "An unhandled error has occurred": keep what the browser
        // was told, so a failed wait below says why the page stayed empty.
        var browserErrors = new ConcurrentQueue<string>();
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning")
            {
                browserErrors.Enqueue($"{message.Type}: {message.Text}");
            }
        };
        page.PageError += (_, error) => browserErrors.Enqueue($"page error: {error}");

        // The token logs the browser in and lands it on the Resources page. A healthy running resource's state reads
        // exactly "Running"; one whose health checks fail reads "Running (Unhealthy)".
        await page.GotoAsync(login.ToString());
        await Expect(page).ToHaveURLAsync(new Regex("/$"));
        try
        {
            foreach (var resource in DashboardResources)
            {
                await Expect(ResourceRow(page, resource).GetByTitle("Running", new() { Exact = true })).ToBeVisibleAsync();
            }
        }
        catch (PlaywrightException ex)
        {
            await ScreenshotAsync(page, "resources-failed");
            throw new InvalidOperationException(
                $"The dashboard's Resources page did not show every resource running; the browser console said:{Environment.NewLine}" +
                string.Join(Environment.NewLine, browserErrors.DefaultIfEmpty("(nothing)")), ex);
        }

        await ScreenshotAsync(page, "resources");
        await page.GetByRole(AriaRole.Tab, new() { Name = "Graph" }).ClickAsync();
        foreach (var resource in DashboardResources)
        {
            await Expect(page.Locator(".resource-graph")).ToContainTextAsync(resource);
        }

        await ScreenshotAsync(page, "resources-graph");

        using (var city = graph.CreateHttpClient("citytax"))
        {
            (await city.GetAsync("/send_s1_tax", ct)).EnsureSuccessStatusCode();
        }

        // The request's trace, found through the dashboard's API (the Traces list grows with the graph's receive polls,
        // and its virtualised rows come and go): each of the seed's reports went request → publish → a broker's store →
        // process → SQLite write, each span the parent of the next, over both brokers.
        using var telemetry = new DashboardTelemetry(login, graph.DashboardApiKey!);
        var request = await Eventually.ValueAsync(
            async token => (await telemetry.TracesOfAsync("citytax", token)).SingleOrDefault(span => span is { Service: "citytax", Name: "GET /send_s1_tax" }),
            span => span is not null, TimeSpan.FromMilliseconds(TraceTimeoutMs), ct);
        Assert.NotNull(request);
        // (A send the city's relay repeated, when an answer came late, is a second chain of the same report.)
        var chains = await Eventually.ValueAsync(
            async token => ReportChain.In(await telemetry.TraceAsync(request.TraceId, token)),
            found => found.Select(chain => chain.ReportId).Distinct().Count() >= SeedReports, TimeSpan.FromMilliseconds(TraceTimeoutMs), ct);
        Assert.Equal(SeedReports, chains.Select(chain => chain.ReportId).Distinct().Count(id => id.Length > 0));
        Assert.All(chains, chain => Assert.Equal(request.SpanId, chain.Request.SpanId));
        Assert.Equal(["broker-a", "broker-b"], chains.Select(chain => chain.Store.Service).Distinct().Order());

        // The trace on the Traces page: the request, spans of a broker, and the province's write of the report.
        await page.GotoAsync(new Uri(login, $"/traces/detail/{request.TraceId}").ToString());
        await Expect(page.GetByTitle("citytax: GET /send_s1_tax", new() { Exact = true })).ToBeVisibleAsync();
        await Expect(page.GetByTitle(new Regex("^broker-[ab]: ")).First).ToBeVisibleAsync();
        await Expect(page.GetByTitle("provincetax: INSERT tax_reports", new() { Exact = true }).First).ToBeVisibleAsync();
        await ScreenshotAsync(page, "trace");

        // The brokers' instruments on the Metrics page, and the chart of the messages broker-a stored.
        await page.GotoAsync(new Uri(login, "/metrics/resource/broker-a").ToString());
        foreach (var instrument in BrokerInstruments)
        {
            await Expect(page.GetByText(instrument, new() { Exact = true }).First).ToBeVisibleAsync();
        }

        await page.GetByTitle("rocketmq.messages.in", new() { Exact = true }).ClickAsync();
        await Expect(page.GetByText("Messages producers sent that this broker stored.").First).ToBeVisibleAsync();
        // The chart is drawn by script after the page shows the instrument: wait for the plot itself.
        await Expect(page.Locator(".js-plotly-plot .main-svg").First).ToBeVisibleAsync();
        await ScreenshotAsync(page, "metrics");
    }

    private static ILocator ResourceRow(IPage page, string resource) =>
        page.GetByRole(AriaRole.Row).Filter(new() { Has = page.GetByText(resource, new() { Exact = true }) });

    private static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Screenshots.PathFor($"dashboard-{name}"), FullPage = true });
}
