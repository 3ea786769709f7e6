using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace RocketTax.Tests;

/// <summary>
/// The AppHost's graph, started through <see cref="DistributedApplicationTestingBuilder"/> on a temp data dir and
/// free loopback ports. Waits fail fast: a resource that ends before it is healthy fails the wait with its state and
/// the last lines of its console log.
/// </summary>
public sealed class GraphFixture : IAsyncDisposable
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    public static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The most a graph test may take, start and disposal included, before it fails instead of hanging the run.</summary>
    public const int TestTimeoutMs = 300_000;

    private readonly CancellationTokenSource _stopLogs = new();
    private readonly Dictionary<string, ConcurrentQueue<string>> _logs = [];
    private readonly List<Task> _logReaders = [];

    private GraphFixture(DistributedApplication app, string dataPath, string? dashboardApiKey)
    {
        App = app;
        DataPath = dataPath;
        DashboardApiKey = dashboardApiKey;
        // Console logs of DCP resources are only captured while someone watches them (the dashboard, or this).
        var loggers = app.Services.GetRequiredService<ResourceLoggerService>();
        var model = app.Services.GetRequiredService<DistributedApplicationModel>();
        foreach (var resource in Resources)
        {
            // By the resource, not its name: DCP names each run of it with a suffix, and that is what logs are keyed by.
            var watched = model.Resources.Single(r => r.Name == resource);
            var lines = _logs[resource] = new ConcurrentQueue<string>();
            _logReaders.Add(Task.Run(async () =>
            {
                try
                {
                    await foreach (var batch in loggers.WatchAsync(watched).WithCancellation(_stopLogs.Token))
                    {
                        foreach (var line in batch)
                        {
                            lines.Enqueue(line.Content);
                            while (lines.Count > LogLinesKept && lines.TryDequeue(out _))
                            {
                            }
                        }
                    }
                }
                catch (OperationCanceledException)
                {
                    // the graph is being disposed
                }
            }));
        }
    }

    private const int LogLinesKept = 200;

    public DistributedApplication App { get; }

    /// <summary>Where this graph's brokers and services keep their files; every process it starts names it.</summary>
    public string DataPath { get; }

    /// <summary>The key of the dashboard's telemetry API (<c>X-API-Key</c>), for graphs started with the dashboard.</summary>
    public string? DashboardApiKey { get; }

    public static readonly string[] Resources = ["namesrv1", "namesrv2", "broker-a", "broker-b", "rocketmq", "citytax", "provincetax"];

    /// <summary>Builds the AppHost's graph; <paramref name="configure"/> may change it before it starts.</summary>
    public static Task<GraphFixture> StartAsync(
        CancellationToken cancellationToken, Action<IDistributedApplicationTestingBuilder>? configure = null, params string[] args) =>
        StartAsync(new DistributedApplicationTestingBuilderOptions(), configure, args, dashboardApiKey: null, cancellationToken);

    /// <summary>
    /// Builds the AppHost's graph with the Aspire dashboard beside it, as <c>dotnet run</c> does, but on loopback ports
    /// the OS picks and with a token of its own, so it never meets another AppHost's dashboard. See <see cref="DashboardUrlAsync"/>;
    /// its telemetry API takes <see cref="DashboardApiKey"/>.
    /// </summary>
    public static Task<GraphFixture> StartWithDashboardAsync(CancellationToken cancellationToken)
    {
        var apiKey = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        return StartAsync(
            new DistributedApplicationTestingBuilderOptions { EnableDashboard = true }, configure: null, [$"AppHost:DashboardApiKey={apiKey}"], apiKey, cancellationToken);
    }

    private static async Task<GraphFixture> StartAsync(
        DistributedApplicationTestingBuilderOptions options, Action<IDistributedApplicationTestingBuilder>? configure, string[] args,
        string? dashboardApiKey, CancellationToken cancellationToken)
    {
        var dataPath = Directory.CreateTempSubdirectory("rockettax-graph-").FullName;
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.RocketTax_AppHost>(
            options, [$"RocketTax:DataPath={dataPath}", "RocketMQ:RandomPorts=true", .. args], cancellationToken);
        configure?.Invoke(builder);
        var app = await builder.BuildAsync(cancellationToken);
        var fixture = new GraphFixture(app, dataPath, dashboardApiKey);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(StartTimeout);
            await app.StartAsync(timeout.Token);
        }
        catch
        {
            await fixture.DisposeAsync();
            throw;
        }

        return fixture;
    }

    /// <summary>Waits until <paramref name="resource"/> is healthy; throws with its state and last log lines when it ends first or time runs out.</summary>
    public async Task WaitHealthyAsync(string resource, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var notifications = App.Services.GetRequiredService<ResourceNotificationService>();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        ResourceEvent? last = null;
        try
        {
            last = await notifications.WaitForResourceAsync(resource, e =>
            {
                last = e;
                return e.Snapshot.HealthStatus == HealthStatus.Healthy || IsTerminal(e.Snapshot.State?.Text);
            }, deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{resource} was not healthy within {timeout.TotalSeconds:0} s: {Describe(resource, last)}");
        }

        if (last.Snapshot.HealthStatus != HealthStatus.Healthy)
        {
            // The exit is reported as soon as the process ends; its last lines may still be on their way.
            await Eventually.ValueAsync(_ => Task.FromResult(LastLogLines(resource, 1).Count), count => count > 0, TimeSpan.FromSeconds(3), cancellationToken);
            throw new InvalidOperationException($"{resource} ended before it was healthy: {Describe(resource, last)}");
        }
    }

    /// <summary>
    /// After a start command: waits until <paramref name="resource"/> has left its stopped state, then until it is healthy.
    /// The first wait keeps the second from taking the stopped state it is leaving for a failure.
    /// </summary>
    public async Task WaitRestartedAsync(string resource, CancellationToken cancellationToken)
    {
        var notifications = App.Services.GetRequiredService<ResourceNotificationService>();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(StartTimeout);
        try
        {
            await notifications.WaitForResourceAsync(resource, e => e.Snapshot.State?.Text is { } state && !IsTerminal(state), deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{resource} did not start within {StartTimeout.TotalSeconds:0} s");
        }

        await WaitHealthyAsync(resource, StartTimeout, cancellationToken);
    }

    /// <summary>Waits until <paramref name="resource"/> has stopped (after a stop command, or a crash).</summary>
    public async Task WaitStoppedAsync(string resource, CancellationToken cancellationToken)
    {
        var notifications = App.Services.GetRequiredService<ResourceNotificationService>();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(StopTimeout);
        try
        {
            await notifications.WaitForResourceAsync(resource, e => IsTerminal(e.Snapshot.State?.Text), deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{resource} did not stop within {StopTimeout.TotalSeconds:0} s");
        }
    }

    /// <summary>Waits for every resource of the graph, in dependency order.</summary>
    public async Task WaitAllHealthyAsync(CancellationToken cancellationToken)
    {
        foreach (var resource in Resources)
        {
            await WaitHealthyAsync(resource, StartTimeout, cancellationToken);
        }
    }

    public HttpClient CreateHttpClient(string resource) => App.CreateHttpClient(resource, "http");

    /// <summary>The seed's <c>GET /send_s1_tax</c> on CityTax, then the wait for ProvinceTax to hold city X's reports; returns how many it holds.</summary>
    public async Task<long> SendSeedReportsAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var city = CreateHttpClient("citytax");
        using var province = CreateHttpClient("provincetax");
        (await city.GetAsync("/send_s1_tax", cancellationToken)).EnsureSuccessStatusCode();
        return await Eventually.ValueAsync(
            async token => (await province.GetFromJsonAsync<JsonElement>("/api/tax-reports?city=X", token)).GetProperty("total").GetInt64(),
            total => total >= 100, timeout, cancellationToken);
    }

    /// <summary>The dashboard's login URL, its browser token included, once the dashboard is healthy (graphs started with the dashboard only).</summary>
    public async Task<Uri> DashboardUrlAsync(CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(StartTimeout);
        try
        {
            return await App.GetDashboardUrlAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"the dashboard was not healthy within {StartTimeout.TotalSeconds:0} s");
        }
    }

    /// <summary>The console's login URL, its browser token included, as the cluster resource links to it.</summary>
    public async Task<Uri> ConsoleLoginUrlAsync(CancellationToken cancellationToken)
    {
        var notifications = App.Services.GetRequiredService<ResourceNotificationService>();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(StartTimeout);
        try
        {
            var cluster = await notifications.WaitForResourceAsync("rocketmq", e => e.Snapshot.Urls.Any(url => url.Name == "console"), deadline.Token);
            return new Uri(cluster.Snapshot.Urls.First(url => url.Name == "console").Url);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"the cluster resource had no console link within {StartTimeout.TotalSeconds:0} s");
        }
    }

    private string Describe(string resource, ResourceEvent? last)
    {
        var text = new StringBuilder()
            .Append("state ").Append(last?.Snapshot.State?.Text ?? "unknown")
            .Append(", health ").Append(last?.Snapshot.HealthStatus?.ToString() ?? "unknown");
        if (last?.Snapshot.ExitCode is { } exitCode)
        {
            text.Append(", exit code ").Append(exitCode);
        }

        var lines = LastLogLines(resource, 20);
        text.AppendLine().Append("last log lines:").AppendLine();
        foreach (var line in lines)
        {
            text.Append("  ").AppendLine(line);
        }

        return text.ToString();
    }

    /// <summary>The last <paramref name="count"/> lines of a resource's console log (what the dashboard shows).</summary>
    public IReadOnlyList<string> LastLogLines(string resource, int count) =>
        _logs.TryGetValue(resource, out var lines) ? [.. lines.TakeLast(count)] : [];

    private static bool IsTerminal(string? state) => state is not null && KnownResourceStates.TerminalStates.Contains(state);

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token).ConfigureAwait(false);
        await App.DisposeAsync().ConfigureAwait(false);
        await _stopLogs.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_logReaders).ConfigureAwait(false);
        _stopLogs.Dispose();
        try
        {
            Directory.Delete(DataPath, recursive: true);
        }
        catch (IOException)
        {
            // A process of the graph still holds a file: the leftover-process test reports that, not this.
        }
    }
}
