using System.Diagnostics;
using Apache.Rocketmq.V2;
using RocketTax.RocketMQ.Broker.Tests.Messaging;

namespace RocketTax.RocketMQ.Broker.Tests.Telemetry;

/// <summary>A broker nobody observes registers no exporter and pays nothing, and still serves.</summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class NoEndpointTelemetryTests
{
    [Fact]
    public async Task Without_OTEL_EXPORTER_OTLP_ENDPOINT_nothing_is_exported_and_messages_flow()
    {
        var ct = TestContext.Current.CancellationToken;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(90));
        await using var receiver = await OtlpReceiver.StartAsync(timeout.Token);

        // The per-signal endpoints name the receiver, so an exporter registered regardless of the switch
        // variable would be seen; the switch itself, as in the services' defaults, is OTEL_EXPORTER_OTLP_ENDPOINT.
        var environment = ChildEnvironment.Otlp(receiver.Endpoint);
        environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = null;
        environment["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] = receiver.Endpoint;
        environment["OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"] = receiver.Endpoint;
        environment["OTEL_EXPORTER_OTLP_LOGS_ENDPOINT"] = receiver.Endpoint;
        await using var broker = await ChildEnvironment.StartBrokerAsync(environment, timeout.Token);

        using (var client = new RawBrokerClient(broker.GrpcEndpoint))
        {
            var topic = $"quiet-{Guid.NewGuid():N}"[..20];
            var message = RawBrokerClient.NewMessage(topic, "report");
            message.UserProperties["traceparent"] = $"00-{ActivityTraceId.CreateRandom()}-{ActivitySpanId.CreateRandom()}-01";
            Assert.Equal(Code.Ok, (await client.SendAsync(timeout.Token, message)).Status.Code);
            var (status, received) = await client.ReceiveAsync("quiet-group", topic, "*", TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(5), timeout.Token);
            Assert.Equal(Code.Ok, status.Code);
            Assert.Equal("report", RawBrokerClient.BodyOf(Assert.Single(received)));
        }

        // A graceful stop flushes every exporter there is, so after it anything exported has arrived.
        await broker.StopAsync(timeout.Token);
        Assert.Equal(0, broker.ExitCode);
        Assert.Equal(0, receiver.Inbox.Exports);
        Assert.DoesNotContain(broker.Logs, line => line.Contains("over OTLP", StringComparison.Ordinal));
    }
}
