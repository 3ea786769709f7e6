using RocketTax.Testing;

namespace RocketTax.RocketMQ.Broker.Tests.Telemetry;

/// <summary>
/// Starts broker and name server processes with extra environment variables. The fixtures carry none, and a child
/// process copies the test process's environment as it starts, so the variables are set around the start only.
/// Only tests of the non-parallel <see cref="ProcessEnvironmentCollection"/> may use this.
/// </summary>
public static class ChildEnvironment
{
    /// <summary>Starts a broker; a null value removes the variable for it.</summary>
    public static Task<BrokerProcess> StartBrokerAsync(IReadOnlyDictionary<string, string?> environment, CancellationToken cancellationToken) =>
        WithAsync(environment, () => BrokerProcess.StartNewAsync(new BrokerOptions(), cancellationToken));

    /// <summary>Starts a name server; a null value removes the variable for it.</summary>
    public static Task<NameServerProcess> StartNameServerAsync(IReadOnlyDictionary<string, string?> environment, CancellationToken cancellationToken) =>
        WithAsync(environment, () => NameServerProcess.StartNewAsync(cancellationToken));

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

    private static async Task<T> WithAsync<T>(IReadOnlyDictionary<string, string?> environment, Func<Task<T>> start)
    {
        var saved = environment.Keys.ToDictionary(name => name, Environment.GetEnvironmentVariable);
        foreach (var (name, value) in environment)
        {
            Environment.SetEnvironmentVariable(name, value);
        }

        try
        {
            return await start();
        }
        finally
        {
            foreach (var (name, value) in saved)
            {
                Environment.SetEnvironmentVariable(name, value);
            }
        }
    }
}
