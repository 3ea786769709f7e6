using RocketTax.RocketMQ.Client.Diagnostics;

namespace OpenTelemetry.Metrics;

/// <summary>Adds the RocketMQ client's metrics (operation durations, sent and consumed messages) to a meter provider.</summary>
public static class RocketMQMeterProviderBuilderExtensions
{
    /// <summary>Listens to the <c>RocketTax.RocketMQ.Client</c> meter.</summary>
    public static MeterProviderBuilder AddRocketMQInstrumentation(this MeterProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddMeter(RocketMQDiagnostics.Name);
    }
}
