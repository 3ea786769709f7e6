using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace RocketTax.Telemetry;

/// <summary>
/// Flushes and shuts down the OTLP pipelines when the host stops, all three at once within <see cref="Budget"/>. Left to
/// themselves they flush one after the other, each waiting up to 5 s for a collector that may be gone (a dashboard
/// stopped first, a test graph without one), which made a stopping service take 12 s instead of 2. Shared as source by
/// the services' defaults and the broker executable, which have no library in common.
/// </summary>
internal sealed class TelemetryShutdown(IServiceProvider services) : IHostedService
{
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(2);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken)
    {
        var timeout = (int)Budget.TotalMilliseconds;
        BaseProvider?[] providers = [services.GetService<LoggerProvider>(), services.GetService<TracerProvider>(), services.GetService<MeterProvider>()];
        return Task.WhenAll(providers.OfType<BaseProvider>().Select(provider => Task.Run(() => Shutdown(provider, timeout), CancellationToken.None)));
    }

    private static void Shutdown(BaseProvider provider, int timeoutMilliseconds)
    {
        switch (provider)
        {
            case TracerProvider tracer:
                tracer.Shutdown(timeoutMilliseconds);
                break;
            case MeterProvider meter:
                meter.Shutdown(timeoutMilliseconds);
                break;
            case LoggerProvider logger:
                logger.Shutdown(timeoutMilliseconds);
                break;
        }
    }
}
