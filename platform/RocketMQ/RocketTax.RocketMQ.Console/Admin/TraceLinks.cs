namespace RocketTax.RocketMQ.Console.Admin;

/// <summary>A message's trace id, from the W3C <c>traceparent</c> the producer stored in its <c>TRACE_CONTEXT</c> property, and where the dashboard shows it.</summary>
public static class TraceLinks
{
    public const string TraceContextProperty = "TRACE_CONTEXT";

    /// <summary>Where clients that write no system trace context leave it.</summary>
    public const string TraceParentProperty = "traceparent";

    /// <summary>The 32-hex trace id of <c>00-&lt;trace id&gt;-&lt;span id&gt;-&lt;flags&gt;</c>; null when the property is missing or not that shape.</summary>
    public static string? TraceId(IReadOnlyDictionary<string, string> properties)
    {
        var parts = (properties.GetValueOrDefault(TraceContextProperty) ?? properties.GetValueOrDefault(TraceParentProperty))?.Split('-');
        return parts is { Length: 4 } && parts[1].Length == 32 && parts[1].All(char.IsAsciiHexDigit) ? parts[1] : null;
    }

    /// <summary>The Aspire dashboard's page of the trace; null without a dashboard URL.</summary>
    public static string? DashboardTraceUrl(string? dashboardUrl, string traceId) =>
        string.IsNullOrWhiteSpace(dashboardUrl) ? null : $"{dashboardUrl.TrimEnd('/')}/traces/detail/{traceId}";
}
