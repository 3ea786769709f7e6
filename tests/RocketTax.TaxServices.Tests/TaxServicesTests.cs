using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using RocketTax.CityTax.Outbox;
using RocketTax.ProvinceTax.Consumers;
using RocketTax.ProvinceTax.Reports;
using RocketTax.RocketMQ.Client;

namespace RocketTax.TaxServices.Tests;

/// <summary>CityTax and ProvinceTax against a real broker: the seed's flow, user posts, bad input, poison messages, health.</summary>
public sealed class TaxServicesTests(TaxServicesFixture services) : IClassFixture<TaxServicesFixture>
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(60);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Seed_endpoint_sends_100_reports_that_ProvinceTax_stores_exactly_once()
    {
        _ = services.Province.Services;
        using var city = services.City.CreateClient();

        var outcomes = await city.GetFromJsonAsync<List<SendOutcome>>("/send_s1_tax", Ct);

        Assert.Equal(100, outcomes!.Count);
        Assert.All(outcomes, o => Assert.Equal("SEND_OK", o.Status));
        Assert.Equal(100, outcomes.Select(o => o.MessageId).Distinct().Count());
        var page = await services.WaitForReportsAsync("X", p => p.Total >= 100, Within);
        Assert.Equal(100, page.Total);
        Assert.Equal(outcomes.Select(o => o.ReportId).Order(), page.Items.Select(r => r.Id).Order());
        Assert.All(page.Items, r => Assert.Equal("X市2021年度第一季度税务汇总数据", r.Title));
    }

    [Fact]
    public async Task Posted_report_is_readable_from_ProvinceTax_and_a_repeated_post_stores_one_row()
    {
        _ = services.Province.Services;
        using var city = services.City.CreateClient();
        var report = TaxReportPosts.Valid("TWICE", 1);

        var first = await TaxReportPosts.PostAsync(city, report);
        var second = await TaxReportPosts.PostAsync(city, report);

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
        var accepted = await first.Content.ReadFromJsonAsync<SendOutcome>(Ct);
        Assert.Equal("TWICE-2021S2-0001", accepted!.ReportId);
        Assert.False(string.IsNullOrEmpty(accepted.MessageId));
        Assert.Equal(accepted.MessageId, (await second.Content.ReadFromJsonAsync<SendOutcome>(Ct))!.MessageId);

        var page = await services.WaitForReportsAsync("TWICE", p => p.Total >= 1, Within);
        using var province = services.Province.CreateClient();
        var stored = await province.GetFromJsonAsync<StoredTaxReport>("/api/tax-reports/TWICE-2021S2-0001", Ct);
        Assert.Equal(1, page.Total);
        Assert.Equal(2_500_001.25m, stored!.TotalIncome);
        Assert.Equal(accepted.MessageId, stored.MessageId);
        var summary = await province.GetFromJsonAsync<List<TaxSummary>>("/api/summary", Ct);
        Assert.Contains(summary!, s => s is { CityCode: "TWICE", Year: 2021, Quarter: 2, Reports: 1 } && s.TotalTax == 325_000.10m);
    }

    [Theory]
    [InlineData("id", "not an id!")]
    [InlineData("cityCode", "")]
    [InlineData("year", 1999)]
    [InlineData("quarter", 5)]
    [InlineData("title", "")]
    [InlineData("totalIncome", -1)]
    [InlineData("totalTax", -0.01)]
    public async Task Each_invalid_field_is_named_in_a_400_and_nothing_is_accepted(string field, object value)
    {
        using var city = services.City.CreateClient();
        var report = JsonSerializer.SerializeToNode(TaxReportPosts.Valid("BAD", 1, id: $"BAD-{field}"))!.AsObject();
        report[field] = JsonSerializer.SerializeToNode(value);

        var response = await city.PostAsync("/api/tax-reports", new StringContent(report.ToJsonString(), Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        Assert.Equal(HttpStatusCode.NotFound, (await city.GetAsync($"/api/tax-reports/BAD-{field}", Ct)).StatusCode);
    }

    [Fact]
    public async Task An_empty_report_names_every_required_field()
    {
        using var city = services.City.CreateClient();
        var response = await city.PostAsync("/api/tax-reports", new StringContent("{}", Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors");
        Assert.Equal(["cityCode", "quarter", "title", "totalIncome", "totalTax", "year"], errors.EnumerateObject().Select(p => p.Name).Order());
    }

    [Fact]
    public async Task Malformed_json_is_a_400_and_an_oversized_body_a_413()
    {
        using var city = services.City.CreateClient();

        var malformed = await city.PostAsync("/api/tax-reports", new StringContent("{\"cityCode\": ", Encoding.UTF8, "application/json"), Ct);
        var oversized = await city.PostAsync(
            "/api/tax-reports", new StringContent($"{{\"title\":\"{new string('x', 1_100_000)}\"}}", Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, oversized.StatusCode);
        var outbox = await city.GetFromJsonAsync<List<OutboxEntry>>("/api/outbox", Ct);
        Assert.Empty(outbox!);
    }

    [Fact]
    public async Task Poison_message_goes_to_the_DLQ_and_is_counted_while_other_reports_flow()
    {
        var poisonDeliveries = 0L;
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == TaxReportMetrics.MeterName && instrument.Name == "rockettax.reports.poison")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref poisonDeliveries, value));
        listener.Start();
        _ = services.Province.Services;

        await using var producer = new Producer(new ProducerOptions { Endpoints = services.Broker.GrpcEndpoint, Topics = ["tax-data-topic"] });
        var poison = await producer.SendAsync(new Message("tax-data-topic", "this is not a tax report") { Tag = "2021S1", Keys = ["poison-1"] }, Ct);
        using var city = services.City.CreateClient();
        Assert.Equal(HttpStatusCode.Accepted, (await TaxReportPosts.PostAsync(city, TaxReportPosts.Valid("AFTERPOISON", 1))).StatusCode);

        await services.WaitForReportsAsync("AFTERPOISON", p => p.Total == 1, Within);
        await using var dlqReader = new SimpleConsumer(new SimpleConsumerOptions
        {
            Endpoints = services.Broker.GrpcEndpoint,
            ConsumerGroup = "dlq-inspector",
            Subscriptions = new Dictionary<string, FilterExpression> { ["%DLQ%consumer-group"] = FilterExpression.SubAll },
            AwaitDuration = TimeSpan.FromSeconds(2),
        });
        var deadline = DateTime.UtcNow + Within;
        MessageView? dead = null;
        while (dead is null && DateTime.UtcNow < deadline)
        {
            dead = (await dlqReader.ReceiveAsync(16, TimeSpan.FromSeconds(30), Ct)).FirstOrDefault(m => m.MessageId == poison.MessageId);
        }

        Assert.NotNull(dead);
        Assert.Equal("this is not a tax report", Encoding.UTF8.GetString(dead.Body.Span));
        Assert.Equal(3, Interlocked.Read(ref poisonDeliveries));
    }

    [Theory]
    [InlineData("city", "/health")]
    [InlineData("city", "/alive")]
    [InlineData("province", "/health")]
    [InlineData("province", "/alive")]
    public async Task Health_endpoints_answer_healthy_while_the_broker_is_up(string service, string path)
    {
        using var client = service == "city" ? services.City.CreateClient() : services.Province.CreateClient();
        var response = await client.GetAsync(path, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync(Ct));
    }
}
