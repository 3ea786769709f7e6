using System.Diagnostics;
using RocketTax.RocketMQ.Broker.Managers;
using RocketTax.RocketMQ.Broker.Store;

namespace RocketTax.RocketMQ.Broker.Diagnostics;

/// <summary>
/// The W3C trace contexts a message carries. The producer's is in the <c>traceparent</c>/<c>tracestate</c> user
/// properties our client and OpenTelemetry-instrumented clients write, else in the system <c>trace_context</c>
/// (RocketMQ's <c>TRACE_CONTEXT</c>). Once stored by a tracing broker, <c>trace_context</c> names the broker's
/// store span instead, the hop a consumer continues from, and the producer's stays in <c>traceparent</c>.
/// </summary>
public static class MessageTraceContext
{
    public const string TraceParent = "traceparent";
    public const string TraceState = "tracestate";

    /// <summary>The message's creation context, or default when it carries none (or a malformed one).</summary>
    public static ActivityContext Read(IReadOnlyDictionary<string, string> properties)
    {
        var traceState = properties.GetValueOrDefault(TraceState);
        var producer = Parse(properties.GetValueOrDefault(TraceParent), traceState);
        return producer != default ? producer : Parse(properties.GetValueOrDefault(MessageProperties.TraceContext), traceState);
    }

    /// <summary>The context of the message's last traced hop: the broker's store span once stored, else the producer's.</summary>
    public static ActivityContext ReadLastHop(IReadOnlyDictionary<string, string> properties) =>
        Parse(properties.GetValueOrDefault(MessageProperties.TraceContext), properties.GetValueOrDefault(TraceState)) is var stored && stored != default
            ? stored
            : Read(properties);

    /// <summary>
    /// The message as it is stored under <paramref name="store"/>: its <c>trace_context</c> names the store span, and the
    /// producer's context, when it had one only there, is kept in <c>traceparent</c>. A message carrying a context of another
    /// trace (one of a batch from several producers) is left as it came: its consumer continues the producer's trace.
    /// </summary>
    public static MessageRecord ContinuedBy(Activity store, MessageRecord record)
    {
        var producer = Read(record.Properties);
        if (producer != default && producer.TraceId != store.TraceId)
        {
            return record;
        }

        var properties = new Dictionary<string, string>(record.Properties, StringComparer.Ordinal);
        if (producer != default && !properties.ContainsKey(TraceParent))
        {
            properties[TraceParent] = properties[MessageProperties.TraceContext];
        }

        properties[MessageProperties.TraceContext] = Format(store.Context);
        return record with { Properties = properties };
    }

    /// <summary>The <c>traceparent</c> value of a context, e.g. <c>00-{trace}-{span}-01</c>.</summary>
    public static string Format(ActivityContext context) =>
        $"00-{context.TraceId.ToHexString()}-{context.SpanId.ToHexString()}-{((context.TraceFlags & ActivityTraceFlags.Recorded) != 0 ? "01" : "00")}";

    /// <summary>A remote context from a <c>traceparent</c> value, or default when it is missing or malformed.</summary>
    public static ActivityContext Parse(string? traceParent, string? traceState) =>
        !string.IsNullOrEmpty(traceParent) && ActivityContext.TryParse(traceParent, traceState, isRemote: true, out var context)
            ? context
            : default;
}
