using System.Globalization;
using Microsoft.Extensions.Options;
using RocketTax.CityTax.Outbox;
using RocketTax.CityTax.Reports;

namespace RocketTax.CityTax.Apis;

/// <summary><c>GET /send_s1_tax</c>, the seed's endpoint: city X reports 2021's first quarter, 100 times, tag <c>2021S1</c>.</summary>
public static class SeedApi
{
    public const string SeedTitle = "X市2021年度第一季度税务汇总数据";

    public static IEndpointRouteBuilder MapSeedEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/send_s1_tax", SendSeasonOneAsync).WithTags("Seed");
        return app;
    }

    /// <summary>One entry per report, in send order, like the seed's log of message ids and SEND_OK.</summary>
    private static async Task<IResult> SendSeasonOneAsync(ReportIntake intake, IOptions<TaxReportingOptions> options, CancellationToken cancellationToken)
    {
        var batch = Guid.NewGuid().ToString("N")[..8];
        var outcomes = new List<SendOutcome>(options.Value.SeedReportCount);
        for (var i = 0; i < options.Value.SeedReportCount; i++)
        {
            var report = new TaxReport(
                string.Create(CultureInfo.InvariantCulture, $"X-2021S1-{batch}-{i:D3}"), "X", 2021, 1, SeedTitle,
                TotalIncome: 1_000_000m + (i * 1_000m), TotalTax: 130_000m + (i * 130m));
            var (outcome, _) = await intake.SubmitAsync(report, cancellationToken);
            outcomes.Add(outcome);
        }

        return Results.Ok(outcomes);
    }
}
