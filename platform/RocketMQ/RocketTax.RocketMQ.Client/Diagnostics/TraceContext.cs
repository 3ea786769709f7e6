using System.Diagnostics;

namespace RocketTax.RocketMQ.Client.Diagnostics;

/// <summary>W3C trace context in message properties: the producer writes <c>traceparent</c>/<c>tracestate</c>, consumers continue from them.</summary>
internal static class TraceContext
{
    public const string TraceParent = "traceparent";
    public const string TraceState = "tracestate";

    /// <summary>The <c>traceparent</c> value of a context, e.g. <c>00-{trace}-{span}-01</c>.</summary>
    public static string Format(ActivityContext context) =>
        $"00-{context.TraceId.ToHexString()}-{context.SpanId.ToHexString()}-{((context.TraceFlags & ActivityTraceFlags.Recorded) != 0 ? "01" : "00")}";

    /// <summary>The producer's context carried by a message, when it has a valid one.</summary>
    public static bool TryParse(string? traceParent, string? traceState, out ActivityContext context)
    {
        context = default;
        return !string.IsNullOrEmpty(traceParent) && ActivityContext.TryParse(traceParent, traceState, isRemote: true, out context);
    }
}
