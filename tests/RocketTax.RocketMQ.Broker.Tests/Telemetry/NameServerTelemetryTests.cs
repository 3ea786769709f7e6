using System.Globalization;

namespace RocketTax.RocketMQ.Broker.Tests.Telemetry;

/// <summary>A name server reports its log over OTLP, under the name Aspire gives it or, without one, <c>namesrv-{port}</c>.</summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class NameServerTelemetryTests
{
    private static readonly TimeSpan ExportTimeout = TimeSpan.FromSeconds(20);

    [Theory]
    [InlineData(null)]
    [InlineData("namesrv1")]
    public async Task The_name_server_log_is_exported_under_its_service_name(string? serviceName)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        await using var receiver = await OtlpReceiver.StartAsync(timeout.Token);
        var environment = ChildEnvironment.Otlp(receiver.Endpoint);
        environment["OTEL_SERVICE_NAME"] = serviceName;

        await using var nameServer = await ChildEnvironment.StartNameServerAsync(environment, timeout.Token);

        var (resource, _) = await receiver.Inbox.WaitForLogAsync(
            r => r.Body?.StringValue.Contains("over OTLP (grpc)", StringComparison.Ordinal) == true, ExportTimeout, timeout.Token);
        Assert.Equal(serviceName ?? $"namesrv-{nameServer.Port.ToString(CultureInfo.InvariantCulture)}", OtlpValues.ServiceName(resource));
    }
}
