using System.Diagnostics;

namespace RocketTax.CityTax.Outbox;

/// <summary>
/// Carries a report's trace through the outbox: the request's W3C <c>traceparent</c> is stored with the entry, and
/// a send outside that request (the relay's) runs in an <c>outbox relay</c> span continuing it, so the report
/// stays one trace from the HTTP request to the province's database.
/// </summary>
public static class OutboxTelemetry
{
    /// <summary>CityTax's activity source; the service defaults export the source named after the application.</summary>
    public static readonly ActivitySource Source = new("RocketTax.CityTax");

    /// <summary>The current activity's <c>traceparent</c>, or null outside a W3C trace.</summary>
    public static string? CurrentTraceParent() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current.Id : null;

    /// <summary>
    /// A span continuing the entry's stored trace when the caller is not already in that trace (the relay);
    /// null when it is (the request's own send) or when the entry carries no trace.
    /// </summary>
    public static Activity? StartRelay(OutboxEntry entry)
    {
        if (entry.TraceParent is null || !ActivityContext.TryParse(entry.TraceParent, null, isRemote: true, out var stored)
            || Activity.Current?.TraceId == stored.TraceId)
        {
            return null;
        }

        var activity = Source.StartActivity("outbox relay", ActivityKind.Internal, stored);
        activity?.SetTag("rockettax.report.id", entry.ReportId);
        activity?.SetTag("rockettax.outbox.attempt", entry.Attempts);
        return activity;
    }
}
