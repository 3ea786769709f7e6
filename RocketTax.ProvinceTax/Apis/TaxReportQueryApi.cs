using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using RocketTax.ProvinceTax.Reports;

namespace RocketTax.ProvinceTax.Apis;

/// <summary>The province's read side: reports by city and period, one report, totals per city and quarter.</summary>
public static class TaxReportQueryApi
{
    public static IEndpointRouteBuilder MapTaxReportQueries(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Tax reports");
        api.MapGet("/tax-reports", QueryAsync);
        api.MapGet("/tax-reports/{id}", FindAsync);
        api.MapGet("/summary", SummarizeAsync);
        return app;
    }

    private static async Task<Results<Ok<TaxReportPage>, ValidationProblem>> QueryAsync(
        string? city, int? year, int? quarter, int? page, TaxReportRepository repository, IOptions<TaxReportsOptions> options, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (quarter is < 1 or > 4)
        {
            errors["quarter"] = ["The quarter must be from 1 to 4."];
        }

        if (page is < 1)
        {
            errors["page"] = ["Pages are numbered from 1."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var query = new TaxReportQuery(string.IsNullOrWhiteSpace(city) ? null : city, year, quarter, page ?? 1);
        return TypedResults.Ok(await repository.QueryAsync(query, options.Value.PageSize, cancellationToken));
    }

    private static async Task<Results<Ok<StoredTaxReport>, NotFound>> FindAsync(string id, TaxReportRepository repository, CancellationToken cancellationToken) =>
        await repository.FindAsync(id, cancellationToken) is { } report ? TypedResults.Ok(report) : TypedResults.NotFound();

    private static async Task<Ok<IReadOnlyList<TaxSummary>>> SummarizeAsync(TaxReportRepository repository, CancellationToken cancellationToken) =>
        TypedResults.Ok(await repository.SummarizeAsync(cancellationToken));
}
