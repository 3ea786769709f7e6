namespace RocketTax.Tests;

/// <summary>
/// One report's way through a trace, each span the parent of the next: the city's request (through its outbox relay
/// when the relay sent the report again), the city's publish, a broker's store, the province's process and its SQLite write.
/// </summary>
public sealed record ReportChain(DashboardSpan Request, DashboardSpan Publish, DashboardSpan Store, DashboardSpan Process, DashboardSpan Write)
{
    /// <summary>The report's id: CityTax sends each report with its id as the message key.</summary>
    public string ReportId => Publish.Attributes.GetValueOrDefault("messaging.rocketmq.message.keys", string.Empty);

    /// <summary>The chains of a trace, at most one per publish span (a redelivered message is processed again, under the same store span).</summary>
    public static IReadOnlyList<ReportChain> In(IReadOnlyList<DashboardSpan> spans)
    {
        var byId = spans.ToDictionary(span => span.SpanId);
        DashboardSpan? Parent(DashboardSpan span) => span.ParentSpanId is { } id ? byId.GetValueOrDefault(id) : null;

        var chains = new List<ReportChain>();
        foreach (var write in spans.Where(span => span is { Service: "provincetax", Name: "INSERT tax_reports" }))
        {
            if (Parent(write) is { Service: "provincetax", Name: "tax-data-topic process" } process
                && Parent(process) is { Service: "broker-a" or "broker-b", Name: "tax-data-topic store" } store
                && Parent(store) is { Service: "citytax", Name: "tax-data-topic publish" } publish
                && Parent(publish) is { Service: "citytax" } sender
                && (sender.Name == "outbox relay" ? Parent(sender) : sender) is { Service: "citytax" } request)
            {
                chains.Add(new ReportChain(request, publish, store, process, write));
            }
        }

        return [.. chains.DistinctBy(chain => chain.Publish.SpanId)];
    }
}
