using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using RocketTax.CityTax.Outbox;

namespace RocketTax.TaxServices.Tests;

/// <summary>A tax report is one trace from the HTTP request to the province's database, through the outbox and its relay too.</summary>
public sealed class ReportTraceTests(TaxServicesFixture services) : IClassFixture<TaxServicesFixture>
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_posted_report_is_one_trace_from_the_request_to_the_province_database()
    {
        using var recorder = new ActivityRecorder();
        _ = services.Province.Services;
        using var city = services.City.CreateClient();
        var reportId = $"T-{Guid.NewGuid():N}"[..20];

        var response = await TaxReportPosts.PostAsync(city, TaxReportPosts.Valid("T", 1, reportId));
        Assert.True(response.IsSuccessStatusCode, $"POST answered {(int)response.StatusCode}");

        var publish = await recorder.WaitForAsync(r => r.PublishOf(reportId), "publish", Within);
        // The request's span ends after the publish span it holds.
        var request = await recorder.WaitForAsync(r => r.Stopped.FirstOrDefault(a => a.SpanId == publish.ParentSpanId), "request", Within);
        Assert.Equal("Microsoft.AspNetCore", request.Source.Name);
        Assert.Equal(request.TraceId, publish.TraceId);
        await AssertStoredByProvinceInTraceAsync(recorder, publish);
    }

    [Fact]
    public async Task The_relay_sends_a_report_in_the_trace_of_the_request_that_accepted_it()
    {
        using var recorder = new ActivityRecorder();
        _ = services.Province.Services;
        var request = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);
        var reportId = $"R-{Guid.NewGuid():N}"[..20];
        var entry = new OutboxEntry(reportId, "2021S2", $$"""{"id":"{{reportId}}","cityCode":"R","year":2021,"quarter":2,"title":"R市2021年度第二季度税务汇总数据"}""", DateTimeOffset.UtcNow)
        {
            TraceParent = $"00-{request.TraceId}-{request.SpanId}-01",
        };

        // Accepted as a request whose own send did not happen: only the relay sends it.
        Assert.True(await services.City.Services.GetRequiredService<OutboxStore>().TryAcceptAsync(entry, TestContext.Current.CancellationToken));
        services.City.Services.GetRequiredService<OutboxSignal>().Notify();

        var publish = await recorder.WaitForAsync(r => r.PublishOf(reportId), "publish", Within);
        Assert.Equal(request.TraceId, publish.TraceId);
        var relay = await recorder.WaitForAsync(r => r.Stopped.FirstOrDefault(a => a.SpanId == publish.ParentSpanId), "relay", Within);
        Assert.Equal("outbox relay", relay.DisplayName);
        Assert.Equal(request.SpanId, relay.ParentSpanId);
        await AssertStoredByProvinceInTraceAsync(recorder, publish);
    }

    /// <summary>ProvinceTax's process span is a child of the publish span, and its SQLite write a child of that.</summary>
    private static async Task AssertStoredByProvinceInTraceAsync(ActivityRecorder recorder, Activity publish)
    {
        var process = await recorder.WaitForAsync(r => r.ChildOf(publish.TraceId, publish.SpanId, " process"), "process", Within);
        await recorder.WaitForAsync(r => r.ChildOf(publish.TraceId, process.SpanId, "INSERT tax_reports"), "SQLite write", Within);
    }

    [Fact]
    public async Task An_accepted_report_keeps_the_traceparent_of_its_request()
    {
        using var recorder = new ActivityRecorder();
        using var city = services.City.CreateClient();
        var reportId = $"P-{Guid.NewGuid():N}"[..20];

        var response = await TaxReportPosts.PostAsync(city, TaxReportPosts.Valid("P", 1, reportId));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

        var stored = await services.City.Services.GetRequiredService<OutboxStore>().FindAsync(reportId, TestContext.Current.CancellationToken);
        Assert.NotNull(stored!.TraceParent);
        var request = await recorder.WaitForAsync(r => r.Stopped.FirstOrDefault(a => a.Id == stored.TraceParent), "request", Within);
        Assert.Equal("Microsoft.AspNetCore", request.Source.Name);
    }
}
