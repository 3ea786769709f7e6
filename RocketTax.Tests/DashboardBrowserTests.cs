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

        // The token logs the browser in and lands it on the Resources page. A healthy running resource's state reads
        // exactly "Running"; one whose health checks fail reads "Running (Unhealthy)".
        await page.GotoAsync(login.ToString());
        await Expect(page).ToHaveURLAsync(new Regex("/$"));
        foreach (var resource in DashboardResources)
        {
            await Expect(ResourceRow(page, resource).GetByTitle("Running", new() { Exact = true })).ToBeVisibleAsync();
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

        // The request's trace, found by its name, gathers spans of the city, a broker and the province.
        await page.Locator("a[href='/traces']").First.ClickAsync();
        await page.Locator("input[name=traces-search]").FillAsync("send_s1_tax");
        var trace = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "citytax: GET /send_s1_tax" });
        await Expect(trace).ToHaveCountAsync(1);
        await Expect(trace.GetByTitle(new Regex("^citytax spans"))).ToHaveCountAsync(1);
        await Expect(trace.GetByTitle(new Regex("^broker-[ab] spans")).First).ToBeAttachedAsync(new() { Timeout = TraceTimeoutMs });
        await Expect(trace.GetByTitle(new Regex("^provincetax spans"))).ToHaveCountAsync(1, new() { Timeout = TraceTimeoutMs });
        await ScreenshotAsync(page, "traces");

        // Its detail page: the request, a message stored by a broker, and the province's write of the report.
        await trace.GetByText("citytax: GET /send_s1_tax").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/traces/detail/[0-9a-f]{32}$"));
        await Expect(page.GetByTitle("citytax: GET /send_s1_tax", new() { Exact = true })).ToBeVisibleAsync();
        await Expect(page.GetByTitle(new Regex("^broker-[ab]: ")).First).ToBeVisibleAsync();
        await Expect(page.GetByTitle("provincetax: INSERT tax_reports", new() { Exact = true }).First).ToBeVisibleAsync();
        await ScreenshotAsync(page, "trace");
    }

    private static ILocator ResourceRow(IPage page, string resource) =>
        page.GetByRole(AriaRole.Row).Filter(new() { Has = page.GetByText(resource, new() { Exact = true }) });

    private static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Screenshots.PathFor($"dashboard-{name}"), FullPage = true });
}
