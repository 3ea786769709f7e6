using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace RocketTax.Tests;

/// <summary>
/// A broker lost and found again, through the app model's own stop and start commands (what the dashboard's buttons
/// do): reports keep flowing through the other master while one is down, the master that comes back on its old store
/// takes sends again, and a ProvinceTax stopped while reports land on both brokers takes each of them once.
/// </summary>
[Collection(nameof(GraphCollection))]
public sealed class FailoverGraphTests
{
    private const string City = "FAILOVER";
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);

    [Fact(Timeout = GraphFixture.TestTimeoutMs)]
    public async Task Reports_survive_a_stopped_broker_and_a_restarted_province()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var graph = await GraphFixture.StartAsync(ct);
        await graph.WaitAllHealthyAsync(ct);
        using var city = graph.CreateHttpClient("citytax");
        using var province = graph.CreateHttpClient("provincetax");

        var first = await PostAndAwaitSentAsync(city, from: 0, count: 40, ct);
        Assert.Contains(first, r => r.BrokerName == "broker-a");
        Assert.Equal(40, await AwaitTotalAsync(province, 40, ct));

        // broker-a gone: CityTax sends through broker-b and ProvinceTax keeps consuming from it.
        await RunAsync(graph, "broker-a", KnownResourceCommands.StopCommand, ct);
        await graph.WaitStoppedAsync("broker-a", ct);
        var whileDown = await PostAndAwaitSentAsync(city, from: 40, count: 20, ct);
        Assert.All(whileDown, r => Assert.Equal("broker-b", r.BrokerName));
        Assert.Equal(60, await AwaitTotalAsync(province, 60, ct));

        // broker-a back, on its old store: it takes sends again.
        await RunAsync(graph, "broker-a", KnownResourceCommands.StartCommand, ct);
        await graph.WaitRestartedAsync("broker-a", ct);
        var posted = 60;
        var back = Stopwatch.StartNew();
        while ((await PostAndAwaitSentAsync(city, from: posted++, count: 1, ct))[0].BrokerName != "broker-a")
        {
            Assert.True(back.Elapsed < DeliveryTimeout, $"broker-a took none of {posted - 60} reports sent after it came back");
        }

        Assert.Equal(posted, await AwaitTotalAsync(province, posted, ct));

        // ProvinceTax down while reports land on both brokers: restarted, it takes each one once.
        await RunAsync(graph, "provincetax", KnownResourceCommands.StopCommand, ct);
        await graph.WaitStoppedAsync("provincetax", ct);
        var whileProvinceDown = await PostAndAwaitSentAsync(city, from: posted, count: 20, ct);
        posted += 20;
        Assert.Equal(2, whileProvinceDown.Select(r => r.BrokerName).Distinct().Count());
        await RunAsync(graph, "provincetax", KnownResourceCommands.StartCommand, ct);
        await graph.WaitRestartedAsync("provincetax", ct);
        Assert.Equal(posted, await AwaitTotalAsync(province, posted, ct));
        foreach (var id in Enumerable.Range(0, posted).Select(ReportId))
        {
            Assert.Equal(HttpStatusCode.OK, (await province.GetAsync($"/api/tax-reports/{id}", ct)).StatusCode);
        }
    }

    private static string ReportId(int index) => string.Create(CultureInfo.InvariantCulture, $"{City}-2021S3-{index:D4}");

    private static async Task RunAsync(GraphFixture graph, string resource, string command, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(CommandTimeout);
        var result = await graph.App.Services.GetRequiredService<ResourceCommandService>().ExecuteCommandAsync(resource, command, deadline.Token);
        Assert.True(result.Success, $"{command} on {resource}: {result.Message}\nlast log lines:\n{string.Join('\n', graph.LastLogLines(resource, 20))}");
    }

    /// <summary>Posts reports <paramref name="from"/>.. to CityTax and waits until its outbox relay has sent each of them.</summary>
    private static async Task<IReadOnlyList<Outcome>> PostAndAwaitSentAsync(HttpClient city, int from, int count, CancellationToken cancellationToken)
    {
        var ids = Enumerable.Range(from, count).Select(ReportId).ToList();
        foreach (var (id, index) in ids.Select((id, i) => (id, from + i)))
        {
            var report = new
            {
                id, cityCode = City, year = 2021, quarter = 3, title = $"{City} 2021 Q3 #{index}", totalIncome = 1_000_000m + index, totalTax = 130_000m,
            };
            (await city.PostAsJsonAsync("/api/tax-reports", report, cancellationToken)).EnsureSuccessStatusCode();
        }

        var outcomes = new List<Outcome>();
        foreach (var id in ids)
        {
            var outcome = await Eventually.ValueAsync(
                async token => await city.GetFromJsonAsync<Outcome>($"/api/tax-reports/{id}", token) ?? throw new InvalidOperationException($"no status for {id}"),
                o => o.Status == "SEND_OK", DeliveryTimeout, cancellationToken);
            Assert.True(outcome.Status == "SEND_OK", $"{id} was not sent within {DeliveryTimeout.TotalSeconds:0} s: {outcome.Status}");
            outcomes.Add(outcome);
        }

        return outcomes;
    }

    private static Task<long> AwaitTotalAsync(HttpClient province, long expected, CancellationToken cancellationToken) =>
        Eventually.ValueAsync(
            async token => (await province.GetFromJsonAsync<JsonElement>($"/api/tax-reports?city={City}", token)).GetProperty("total").GetInt64(),
            total => total >= expected, DeliveryTimeout, cancellationToken);

    private sealed record Outcome(string ReportId, string Status, string? BrokerName);
}
