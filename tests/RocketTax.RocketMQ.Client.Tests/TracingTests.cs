using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace RocketTax.RocketMQ.Client.Tests;

/// <summary>One message, one trace: publish → (receive) → process, as the OpenTelemetry SDK exports it.</summary>
public sealed class TracingTests(ClientBrokerFixture fixture) : IClassFixture<ClientBrokerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 60_000)]
    public async Task Publish_and_process_spans_share_one_trace_with_process_a_child_of_publish()
    {
        const string topic = "traced-topic";
        var exported = new List<Activity>();
        using var tracing = Sdk.CreateTracerProviderBuilder()
            .AddRocketMQInstrumentation()
            .AddInMemoryExporter(exported)
            .Build();

        await using var producer = new Producer(Clients.Producer(fixture.Endpoint));
        var receipt = await producer.SendAsync(new Message(topic, "traced") { Tag = "2021S1", Keys = ["k-1"] }, Ct);

        var handled = new TaskCompletionSource<MessageView>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var consumer = new PushConsumer(Clients.Push(fixture.Endpoint, "traced-group", topic), (message, _) =>
        {
            handled.TrySetResult(message);
            return ValueTask.FromResult(ConsumeResult.Success);
        });
        await consumer.StartAsync(Ct);
        var message = await handled.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        await Eventually.TrueAsync(() => Snapshot(exported).Any(a => a.DisplayName == $"{topic} process"), TimeSpan.FromSeconds(10), "the process span", Ct);

        var spans = Snapshot(exported);
        var publish = Assert.Single(spans, a => a.DisplayName == $"{topic} publish");
        var process = Assert.Single(spans, a => a.DisplayName == $"{topic} process");
        var receive = spans.First(a => a.DisplayName == $"{topic} receive" && a.SpanId == process.Links.Single().Context.SpanId);

        Assert.Equal(ActivityKind.Producer, publish.Kind);
        Assert.Equal(ActivityKind.Consumer, process.Kind);
        Assert.Equal(ActivityKind.Consumer, receive.Kind);
        Assert.Equal(publish.TraceId, process.TraceId);
        Assert.Equal(publish.SpanId, process.ParentSpanId);
        Assert.Equal($"00-{publish.TraceId}-{publish.SpanId}-01", message.Properties["traceparent"]);

        Assert.Equal("rocketmq", publish.GetTagItem("messaging.system"));
        Assert.Equal("publish", publish.GetTagItem("messaging.operation.type"));
        Assert.Equal(topic, publish.GetTagItem("messaging.destination.name"));
        Assert.Equal(receipt.MessageId, publish.GetTagItem("messaging.message.id"));
        Assert.Equal("2021S1", publish.GetTagItem("messaging.rocketmq.message.tag"));
        Assert.Equal(new[] { "k-1" }, publish.GetTagItem("messaging.rocketmq.message.keys"));
        Assert.Equal("127.0.0.1", publish.GetTagItem("server.address"));
        Assert.Equal(fixture.Broker.GrpcPort, publish.GetTagItem("server.port"));

        Assert.Equal("process", process.GetTagItem("messaging.operation.type"));
        Assert.Equal(receipt.MessageId, process.GetTagItem("messaging.message.id"));
        Assert.Equal("traced-group", process.GetTagItem("messaging.consumer.group.name"));
        Assert.Equal("receive", receive.GetTagItem("messaging.operation.type"));
    }

    private static List<Activity> Snapshot(List<Activity> exported)
    {
        lock (exported)
        {
            return [.. exported];
        }
    }
}
