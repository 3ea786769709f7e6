using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using RocketTax.CityTax.Outbox;
using RocketTax.CityTax.Reports;

namespace RocketTax.CityTax.Apis;

/// <summary><c>POST /api/tax-reports</c> (one report from a user) and <c>GET /api/outbox</c> (what is not sent yet).</summary>
public static class TaxReportApi
{
    /// <summary>Largest request body accepted; anything larger is refused with 413 before it is read.</summary>
    public const long MaxBodyBytes = 1024 * 1024;

    public static IEndpointRouteBuilder MapTaxReportEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Tax reports");
        api.MapPost("/tax-reports", SubmitAsync);
        api.MapGet("/tax-reports/{id}", GetStatusAsync);
        api.MapGet("/outbox", GetOutboxAsync);
        return app;
    }

    private static async Task<Results<Accepted<SendOutcome>, ValidationProblem, ProblemHttpResult>> SubmitAsync(
        HttpContext context, ReportIntake intake, CancellationToken cancellationToken)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxBodyBytes;
        }

        if (context.Request.ContentLength > MaxBodyBytes)
        {
            return TooLarge();
        }

        TaxReportRequest? request;
        try
        {
            request = await context.Request.ReadFromJsonAsync<TaxReportRequest>(TaxReportJson.Options, cancellationToken);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge();
        }
        catch (JsonException ex)
        {
            return TypedResults.Problem($"The body is not a valid tax report in JSON: {ex.Message}", statusCode: StatusCodes.Status400BadRequest, title: "Malformed JSON");
        }
        catch (InvalidOperationException ex)
        {
            return TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Send the report as application/json");
        }

        var (errors, report) = TaxReportValidator.Validate(request ?? new TaxReportRequest(null, null, null, null, null, null, null));
        if (report is null)
        {
            return TypedResults.ValidationProblem(errors, title: "The tax report has invalid fields");
        }

        var (outcome, _) = await intake.SubmitAsync(report, cancellationToken);
        return TypedResults.Accepted($"/api/tax-reports/{outcome.ReportId}", outcome);
    }

    private static async Task<Results<Ok<SendOutcome>, NotFound>> GetStatusAsync(string id, OutboxStore outbox, CancellationToken cancellationToken) =>
        await outbox.FindAsync(id, cancellationToken) is { } entry ? TypedResults.Ok(SendOutcome.From(entry)) : TypedResults.NotFound();

    private static async Task<Ok<IReadOnlyList<OutboxEntry>>> GetOutboxAsync(OutboxStore outbox, CancellationToken cancellationToken) =>
        TypedResults.Ok(await outbox.PendingAsync(1_000, cancellationToken));

    private static ProblemHttpResult TooLarge() => TypedResults.Problem(
        $"The body is larger than {MaxBodyBytes} bytes; a tax report is a few hundred bytes.", statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request too large");
}
