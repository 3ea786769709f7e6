using System.Diagnostics;

namespace RocketTax.RocketMQ.Client.Diagnostics;

/// <summary>
/// W3C trace context in messages: the producer writes <c>traceparent</c>/<c>tracestate</c> and the system trace context,
/// a tracing broker replaces the system one with its store span, and consumers continue from the latest hop.
/// </summary>
internal static class TraceContext
{
    public const string TraceParent = "traceparent";
    public const string TraceState = "tracestate";

    /// <summary>The <c>traceparent</c> value of a context, e.g. <c>00-{trace}-{span}-01</c>.</summary>
    public static string Format(ActivityContext context) =>
        $"00-{context.TraceId.ToHexString()}-{context.SpanId.ToHexString()}-{((context.TraceFlags & ActivityTraceFlags.Recorded) != 0 ? "01" : "00")}";

    /// <summary>
    /// Where a consumer's span continues a message's trace: the system trace context, which a tracing broker sets to its
    /// store span (else it is the producer's), or the producer's <c>traceparent</c> when that one is missing or malformed.
    /// <c>Producer</c> is the producer's span when it is not the parent already, for the consumer to link to; either is
    /// default when the message carries no valid context.
    /// </summary>
    public static (ActivityContext Parent, ActivityContext Producer) Continuation(MessageView message)
    {
        TryParse(message.TraceParent, message.TraceState, out var producer);
        if (!TryParse(message.SystemTraceContext, message.TraceState, out var parent))
        {
            return (producer, default);
        }

        return (parent, producer == parent ? default : producer);
    }

    /// <summary>A context from a <c>traceparent</c> value, when it is a valid one.</summary>
    public static bool TryParse(string? traceParent, string? traceState, out ActivityContext context)
    {
        context = default;
        return !string.IsNullOrEmpty(traceParent) && ActivityContext.TryParse(traceParent, traceState, isRemote: true, out context);
    }
}
