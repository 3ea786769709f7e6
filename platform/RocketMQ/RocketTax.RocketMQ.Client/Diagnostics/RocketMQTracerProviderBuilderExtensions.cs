using RocketTax.RocketMQ.Client.Diagnostics;

namespace OpenTelemetry.Trace;

/// <summary>Adds the RocketMQ client's spans (<c>publish</c>, <c>receive</c>, <c>process</c>) to a tracer provider.</summary>
public static class RocketMQTracerProviderBuilderExtensions
{
    /// <summary>Listens to the <c>RocketTax.RocketMQ.Client</c> activity source.</summary>
    public static TracerProviderBuilder AddRocketMQInstrumentation(this TracerProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddSource(RocketMQDiagnostics.Name);
    }
}
