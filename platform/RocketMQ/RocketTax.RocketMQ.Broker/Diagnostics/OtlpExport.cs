using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using RocketTax.Telemetry;

namespace RocketTax.RocketMQ.Broker.Diagnostics;

/// <summary>
/// Where a broker or name server sends its traces, metrics and logs: over OTLP to <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>
/// when it is set (Aspire sets it for its resources), honouring the other <c>OTEL_*</c> variables. When it is
/// not set nothing is registered, so no listener makes the broker's spans or instruments cost anything.
/// </summary>
public sealed record OtlpExport(string Endpoint, string Protocol, string ServiceName)
{
    public const string EndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string ProtocolVariable = "OTEL_EXPORTER_OTLP_PROTOCOL";
    public const string ServiceNameVariable = "OTEL_SERVICE_NAME";

    /// <summary>Registers the OTLP exporter when the endpoint is configured; returns what it did, or null when export is off.</summary>
    /// <param name="builder">The host being built.</param>
    /// <param name="defaultServiceName">The <c>service.name</c> unless <c>OTEL_SERVICE_NAME</c> or <c>OTEL_RESOURCE_ATTRIBUTES</c> names one.</param>
    public static OtlpExport? AddWhenConfigured(IHostApplicationBuilder builder, string defaultServiceName)
    {
        var endpoint = builder.Configuration[EndpointVariable];
        if (string.IsNullOrWhiteSpace(endpoint))
        {
            return null;
        }

        builder.Services.AddOpenTelemetry()
            // The environment detector runs after the default name, so the OTEL_* variables win over it.
            .ConfigureResource(resource => resource.AddService(defaultServiceName).AddEnvironmentVariableDetector())
            .WithTracing(tracing => tracing.AddSource(BrokerDiagnostics.Name))
            .WithMetrics(metrics => metrics.AddMeter(BrokerDiagnostics.Name))
            .WithLogging(configureBuilder: null, configureOptions: logging => logging.IncludeFormattedMessage = true)
            .UseOtlpExporter();
        builder.Services.AddHostedService<TelemetryShutdown>();
        return new OtlpExport(
            endpoint,
            builder.Configuration[ProtocolVariable] is { Length: > 0 } protocol ? protocol : "grpc",
            builder.Configuration[ServiceNameVariable] is { Length: > 0 } serviceName ? serviceName : defaultServiceName);
    }

    /// <summary>The line the executable logs at start, so an operator sees where telemetry goes.</summary>
    public override string ToString() => $"Exporting traces, metrics and logs over OTLP ({Protocol}) to {Endpoint} as service '{ServiceName}'";
}
