using System.Diagnostics;
using RocketTax.RocketMQ.Broker.Managers;

namespace RocketTax.RocketMQ.Broker.Diagnostics;

/// <summary>
/// The producer's W3C trace context a message carries: the <c>traceparent</c>/<c>tracestate</c> user properties
/// our client and OpenTelemetry-instrumented clients write, else the system <c>trace_context</c> (RocketMQ's <c>TRACE_CONTEXT</c>).
/// </summary>
public static class MessageTraceContext
{
    public const string TraceParent = "traceparent";
    public const string TraceState = "tracestate";

    /// <summary>The message's creation context, or default when it carries none (or a malformed one).</summary>
    public static ActivityContext Read(IReadOnlyDictionary<string, string> properties)
    {
        var traceParent = properties.GetValueOrDefault(TraceParent) ?? properties.GetValueOrDefault(MessageProperties.TraceContext);
        return Parse(traceParent, properties.GetValueOrDefault(TraceState));
    }

    /// <summary>A remote context from a <c>traceparent</c> value, or default when it is missing or malformed.</summary>
    public static ActivityContext Parse(string? traceParent, string? traceState) =>
        !string.IsNullOrEmpty(traceParent) && ActivityContext.TryParse(traceParent, traceState, isRemote: true, out var context)
            ? context
            : default;
}
