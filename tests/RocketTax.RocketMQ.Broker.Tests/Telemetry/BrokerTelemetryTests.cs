using System.Diagnostics;
using Apache.Rocketmq.V2;
using RocketTax.RocketMQ.Broker.Tests.Messaging;
using RocketTax.RocketMQ.Broker.Tests.Telemetry.Otlp;
using static RocketTax.RocketMQ.Broker.Tests.Telemetry.OtlpValues;

namespace RocketTax.RocketMQ.Broker.Tests.Telemetry;

/// <summary>The broker as the Aspire dashboard sees it: its spans in the producer's trace, its metrics and its logs over OTLP.</summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class BrokerTelemetryTests(OtlpBrokerFixture fixture) : IClassFixture<OtlpBrokerFixture>
{
    private static readonly TimeSpan ExportTimeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_send_is_stored_in_a_span_of_the_producer_trace_that_its_consumer_continues_from()
    {
        var ct = TestContext.Current.CancellationToken;
        var topic = NewName("traced");
        var producer = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);
        using var client = new RawBrokerClient(fixture.Broker.GrpcEndpoint);
        var message = RawBrokerClient.NewMessage(topic, "report");
        message.UserProperties["traceparent"] = $"00-{producer.TraceId}-{producer.SpanId}-01";

        var sent = await client.SendAsync(ct, message);
        Assert.Equal(Code.Ok, sent.Status.Code);

        var (resource, store) = await fixture.Receiver.Inbox.WaitForSpanAsync(s => s.Name == $"{topic} store", ExportTimeout, ct);
        Assert.Equal("broker-a", ServiceName(resource));
        Assert.Equal(producer.TraceId.ToHexString(), Hex(store.TraceId));
        Assert.Equal(producer.SpanId.ToHexString(), Hex(store.ParentSpanId));
        Assert.Equal(SpanKind.Consumer, store.Kind);
        Assert.Equal("rocketmq", Attribute(store.Attributes, "messaging.system"));
        Assert.Equal(topic, Attribute(store.Attributes, "messaging.destination.name"));
        Assert.Equal(message.SystemProperties.MessageId, Attribute(store.Attributes, "messaging.message.id"));
        Assert.Equal("receive", Attribute(store.Attributes, "messaging.operation.type"));

        // The consumer gets the store span as the message's trace context, and the producer's span beside it.
        var delivered = await ReceiveOneAsync(client, "traced-group", topic, ct);
        Assert.Equal(TraceParentOf(store), delivered.SystemProperties.TraceContext);
        Assert.Equal(message.UserProperties["traceparent"], delivered.UserProperties["traceparent"]);

        var (_, deliver) = await fixture.Receiver.Inbox.WaitForSpanAsync(s => s.Name == $"{topic} deliver", ExportTimeout, ct);
        var link = Assert.Single(deliver.Links);
        Assert.Equal(Hex(store.TraceId), Hex(link.TraceId));
        Assert.Equal(Hex(store.SpanId), Hex(link.SpanId));
        Assert.Equal("traced-group", Attribute(deliver.Attributes, "messaging.consumer.group.name"));
        Assert.Equal(SpanKind.Producer, deliver.Kind);
    }

    [Fact]
    public async Task A_producer_context_in_the_system_trace_context_only_stays_reachable_as_traceparent()
    {
        var ct = TestContext.Current.CancellationToken;
        var topic = NewName("systraced");
        var producer = $"00-{ActivityTraceId.CreateRandom()}-{ActivitySpanId.CreateRandom()}-01";
        using var client = new RawBrokerClient(fixture.Broker.GrpcEndpoint);
        var message = RawBrokerClient.NewMessage(topic, "report");
        message.SystemProperties.TraceContext = producer;

        Assert.Equal(Code.Ok, (await client.SendAsync(ct, message)).Status.Code);

        var (_, store) = await fixture.Receiver.Inbox.WaitForSpanAsync(s => s.Name == $"{topic} store", ExportTimeout, ct);
        Assert.Equal(producer[3..35], Hex(store.TraceId));
        var delivered = await ReceiveOneAsync(client, "systraced-group", topic, ct);
        Assert.Equal(TraceParentOf(store), delivered.SystemProperties.TraceContext);
        Assert.Equal(producer, delivered.UserProperties["traceparent"]);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("00-not-a-trace-context-01")]
    public async Task A_send_without_a_valid_trace_context_starts_its_own_trace_that_its_consumer_continues(string? traceParent)
    {
        var ct = TestContext.Current.CancellationToken;
        var topic = NewName("untraced");
        using var client = new RawBrokerClient(fixture.Broker.GrpcEndpoint);
        var message = RawBrokerClient.NewMessage(topic, "report");
        if (traceParent is not null)
        {
            message.UserProperties["traceparent"] = traceParent;
        }

        Assert.Equal(Code.Ok, (await client.SendAsync(ct, message)).Status.Code);

        var (_, store) = await fixture.Receiver.Inbox.WaitForSpanAsync(s => s.Name == $"{topic} store", ExportTimeout, ct);
        Assert.True(store.ParentSpanId.IsEmpty, $"expected a root span, got parent {Hex(store.ParentSpanId)}");
        var delivered = await ReceiveOneAsync(client, "untraced-group", topic, ct);
        Assert.Equal(TraceParentOf(store), delivered.SystemProperties.TraceContext);
        Assert.Equal(traceParent, delivered.UserProperties.GetValueOrDefault("traceparent"));
    }

    [Fact]
    public async Task Messages_in_and_consumer_lag_are_exported_as_metrics()
    {
        var ct = TestContext.Current.CancellationToken;
        var topic = NewName("metered");
        using var client = new RawBrokerClient(fixture.Broker.GrpcEndpoint);
        var sent = await client.SendAsync(ct, RawBrokerClient.NewMessage(topic, "one"), RawBrokerClient.NewMessage(topic, "two"));
        Assert.Equal(Code.Ok, sent.Status.Code);

        // Received but not acked: both still count as lag of the group.
        var (status, received) = await client.ReceiveAsync("metered-group", topic, "*", TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(5), ct);
        Assert.Equal(Code.Ok, status.Code);
        Assert.Equal(2, received.Count);

        await fixture.Receiver.Inbox.WaitForMetricAsync(
            m => m.Name == "rocketmq.messages.in" && Points(m).Any(p => Attribute(p.Attributes, "messaging.destination.name") == topic && Value(p) == 2),
            ExportTimeout, ct);
        await fixture.Receiver.Inbox.WaitForMetricAsync(
            m => m.Name == "rocketmq.messages.out" && Points(m).Any(p => Attribute(p.Attributes, "messaging.consumer.group.name") == "metered-group" && Value(p) == 2),
            ExportTimeout, ct);
        await fixture.Receiver.Inbox.WaitForMetricAsync(
            m => m.Name == "rocketmq.consumer.lag"
                 && Points(m).Where(p => Attribute(p.Attributes, "messaging.consumer.group.name") == "metered-group").Sum(Value) == 2,
            ExportTimeout, ct);
        await fixture.Receiver.Inbox.WaitForMetricAsync(m => m.Name == "rocketmq.send.duration", ExportTimeout, ct);
        await fixture.Receiver.Inbox.WaitForMetricAsync(m => m.Name == "rocketmq.store.duration", ExportTimeout, ct);
    }

    [Fact]
    public async Task A_dead_lettered_message_shows_in_the_dlq_size_of_its_group()
    {
        var ct = TestContext.Current.CancellationToken;
        var topic = NewName("doomed");
        var group = NewName("doomed-group");
        using var client = new RawBrokerClient(fixture.Broker.GrpcEndpoint);
        Assert.Equal(Code.Ok, (await client.SendAsync(ct, RawBrokerClient.NewMessage(topic, "poison"))).Status.Code);
        var (status, received) = await client.ReceiveAsync(group, topic, "*", TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(5), ct);
        Assert.Equal(Code.Ok, status.Code);

        var forwarded = await client.ForwardToDeadLetterQueueAsync(group, Assert.Single(received), ct);
        Assert.Equal(Code.Ok, forwarded.Status.Code);

        await fixture.Receiver.Inbox.WaitForMetricAsync(
            m => m.Name == "rocketmq.dlq.size"
                 && Points(m).Any(p => Attribute(p.Attributes, "messaging.destination.name") == $"%DLQ%{group}" && Value(p) == 1),
            ExportTimeout, ct);
    }

    [Fact]
    public async Task The_broker_log_is_exported_under_its_name()
    {
        var ct = TestContext.Current.CancellationToken;
        var (resource, _) = await fixture.Receiver.Inbox.WaitForLogAsync(
            r => r.Body?.StringValue.Contains("over OTLP (grpc)", StringComparison.Ordinal) == true, ExportTimeout, ct);
        Assert.Equal("broker-a", ServiceName(resource));
    }

    private static string NewName(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..24];

    private static string TraceParentOf(Span span) => $"00-{Hex(span.TraceId)}-{Hex(span.SpanId)}-01";

    private static async Task<Message> ReceiveOneAsync(RawBrokerClient client, string group, string topic, CancellationToken ct)
    {
        var (status, received) = await client.ReceiveAsync(group, topic, "*", TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(5), ct);
        Assert.Equal(Code.Ok, status.Code);
        return Assert.Single(received);
    }
}
