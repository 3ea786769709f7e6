using System.Diagnostics;
using RocketTax.RocketMQ.Client.Diagnostics;
using RocketTax.RocketMQ.Client.Session;

namespace RocketTax.RocketMQ.Client.Tests;

/// <summary>Which span a consumer continues from, for every mix of a broker's and a producer's trace context a message may carry.</summary>
public sealed class TraceContinuationTests
{
    private static readonly string Producer = $"00-{ActivityTraceId.CreateRandom()}-{ActivitySpanId.CreateRandom()}-01";
    private static readonly string Store = $"00-{Producer[3..35]}-{ActivitySpanId.CreateRandom()}-01";
    private const string Garbled = "00-not-a-trace-context-01";

    [Fact]
    public void A_message_stored_by_a_tracing_broker_continues_from_its_store_span_and_links_the_producer()
    {
        var (parent, producer) = TraceContext.Continuation(Message(traceParent: Producer, systemTraceContext: Store));

        Assert.Equal(Store, TraceContext.Format(parent));
        Assert.Equal(Producer, TraceContext.Format(producer));
    }

    [Fact]
    public void A_message_whose_broker_did_not_trace_continues_from_the_producer_without_a_second_link()
    {
        var (parent, producer) = TraceContext.Continuation(Message(traceParent: Producer, systemTraceContext: Producer));

        Assert.Equal(Producer, TraceContext.Format(parent));
        Assert.Equal(default, producer);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(Garbled)]
    public void A_missing_or_malformed_system_trace_context_falls_back_to_the_producer(string? systemTraceContext)
    {
        var (parent, producer) = TraceContext.Continuation(Message(traceParent: Producer, systemTraceContext));

        Assert.Equal(Producer, TraceContext.Format(parent));
        Assert.Equal(default, producer);
    }

    [Fact]
    public void A_malformed_traceparent_beside_a_store_span_is_not_linked()
    {
        var (parent, producer) = TraceContext.Continuation(Message(traceParent: Garbled, systemTraceContext: Store));

        Assert.Equal(Store, TraceContext.Format(parent));
        Assert.Equal(default, producer);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData(Garbled, Garbled)]
    public void A_message_without_a_valid_context_has_nothing_to_continue(string? traceParent, string? systemTraceContext)
    {
        Assert.Equal((default(ActivityContext), default(ActivityContext)), TraceContext.Continuation(Message(traceParent, systemTraceContext)));
    }

    private static MessageView Message(string? traceParent, string? systemTraceContext) =>
        new("id", "tax-data-topic", "body"u8.ToArray(), "handle", new EndpointAddress("127.0.0.1", 8081))
        {
            TraceParent = traceParent,
            SystemTraceContext = systemTraceContext,
        };
}
