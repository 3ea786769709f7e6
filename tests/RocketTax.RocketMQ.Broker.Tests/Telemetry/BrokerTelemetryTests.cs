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
    public async Task A_send_is_stored_in_a_span_of_the_producer_trace_and_its_delivery_links_back_to_the_producer()
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

        var (status, received) = await client.ReceiveAsync("traced-group", topic, "*", TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(5), ct);
        Assert.Equal(Code.Ok, status.Code);
        Assert.Single(received);

        var (_, deliver) = await fixture.Receiver.Inbox.WaitForSpanAsync(s => s.Name == $"{topic} deliver", ExportTimeout, ct);
        var link = Assert.Single(deliver.Links);
        Assert.Equal(producer.TraceId.ToHexString(), Hex(link.TraceId));
        Assert.Equal(producer.SpanId.ToHexString(), Hex(link.SpanId));
        Assert.Equal("traced-group", Attribute(deliver.Attributes, "messaging.consumer.group.name"));
        Assert.Equal(SpanKind.Producer, deliver.Kind);
    }

    [Fact]
    public async Task A_send_without_trace_context_starts_its_own_trace()
    {
        var ct = TestContext.Current.CancellationToken;
        var topic = NewName("untraced");
        using var client = new RawBrokerClient(fixture.Broker.GrpcEndpoint);

        var sent = await client.SendAsync(ct, RawBrokerClient.NewMessage(topic, "report"));
        Assert.Equal(Code.Ok, sent.Status.Code);

        var (_, store) = await fixture.Receiver.Inbox.WaitForSpanAsync(s => s.Name == $"{topic} store", ExportTimeout, ct);
        Assert.True(store.ParentSpanId.IsEmpty, $"expected a root span, got parent {Hex(store.ParentSpanId)}");
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
}
