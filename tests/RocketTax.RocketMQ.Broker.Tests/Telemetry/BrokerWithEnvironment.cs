using RocketTax.Testing;

namespace RocketTax.RocketMQ.Broker.Tests.Telemetry;

/// <summary>
/// Starts a broker process with extra environment variables. <see cref="BrokerOptions"/> carries none, and a child
/// process copies the test process's environment as it starts, so the variables are set around the start only.
/// Only tests of the non-parallel <see cref="ProcessEnvironmentCollection"/> may use this.
/// </summary>
public static class BrokerWithEnvironment
{
    /// <summary>Starts a broker; a null value removes the variable for it.</summary>
    public static async Task<BrokerProcess> StartAsync(IReadOnlyDictionary<string, string?> environment, CancellationToken cancellationToken)
    {
        var saved = environment.Keys.ToDictionary(name => name, Environment.GetEnvironmentVariable);
        foreach (var (name, value) in environment)
        {
            Environment.SetEnvironmentVariable(name, value);
        }

        try
        {
            return await BrokerProcess.StartNewAsync(new BrokerOptions(), cancellationToken);
        }
        finally
        {
            foreach (var (name, value) in saved)
            {
                Environment.SetEnvironmentVariable(name, value);
            }
        }
    }

    /// <summary>The variables Aspire gives a resource, pointed at <paramref name="endpoint"/>, with short export delays so tests wait little.</summary>
    public static Dictionary<string, string?> Otlp(string endpoint) => new()
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint,
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "grpc",
        ["OTEL_SERVICE_NAME"] = null,
        ["OTEL_RESOURCE_ATTRIBUTES"] = null,
        ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
        ["OTEL_BLRP_SCHEDULE_DELAY"] = "100",
        ["OTEL_METRIC_EXPORT_INTERVAL"] = "300",
    };
}
