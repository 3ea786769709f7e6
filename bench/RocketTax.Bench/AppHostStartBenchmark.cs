using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace RocketTax.Bench;

/// <summary>
/// <c>apphost-start [--runs N] [--image IMAGE]</c>: the time from <c>dotnet run --project RocketTax.AppHost --no-build -c
/// Release</c> to the whole graph healthy, on fresh stores each run; with an image, the cluster runs in containers of it
/// (<c>--rocketmq-mode container</c>). The services start only once the cluster is healthy (they wait for it) and their
/// <c>/health</c> includes the RocketMQ route check, so both services answering 200 is the graph being up. Needs the
/// solution built in Release and the seed's and services' ports free.
/// </summary>
public static class AppHostStartBenchmark
{
    private static readonly string[] HealthUrls = ["http://localhost:8000/health", "http://localhost:9000/health"];
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

    // The seed cluster's name server, remoting and gRPC ports: free again once a run's graph is gone.
    private static readonly int[] ClusterPorts = [9876, 9877, 10911, 10921, 8081, 8091];

    public static async Task<int> RunAsync(int runs, string? image, string outputDirectory, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var times = new List<double>();
        for (var run = 1; run <= runs; run++)
        {
            TimeSpan elapsed;
            try
            {
                elapsed = await StartOnceAsync(http, image, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                Console.WriteLine($"run {run}/{runs}: stopped; its graph is down");
                return 130;
            }

            times.Add(elapsed.TotalSeconds);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"run {run}/{runs}: healthy after {elapsed.TotalSeconds:0.0} s"));
        }

        times.Sort();
        var summary = new
        {
            at = DateTimeOffset.UtcNow,
            scenario = "apphost-start",
            mode = image is null ? "embedded" : "container",
            image,
            runs,
            minSeconds = Math.Round(times[0], 1),
            medianSeconds = Math.Round(times[times.Count / 2], 1),
            maxSeconds = Math.Round(times[^1], 1),
            cores = Environment.ProcessorCount,
        };
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| apphost-start ({summary.mode}) | {runs} runs | min {summary.minSeconds:0.0} s | median {summary.medianSeconds:0.0} s | max {summary.maxSeconds:0.0} s |"));
        Directory.CreateDirectory(outputDirectory);
        await File.AppendAllTextAsync(Path.Combine(outputDirectory, "apphost-start.jsonl"), JsonSerializer.Serialize(summary) + "\n", cancellationToken);
        return 0;
    }

    private static async Task<TimeSpan> StartOnceAsync(HttpClient http, string? image, CancellationToken cancellationToken)
    {
        var data = Directory.CreateTempSubdirectory("rockettax-bench-start-").FullName;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        string[] arguments = ["run", "--project", "RocketTax.AppHost", "--no-build", "-c", "Release", "--"];
        foreach (var arg in image is null ? arguments : [.. arguments, "--rocketmq-mode", "container", "--rocketmq-image", image])
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["RocketTax__DataPath"] = data;
        var clock = Stopwatch.StartNew();
        using var wrapper = Process.Start(start) ?? throw new InvalidOperationException("dotnet run did not start");
        wrapper.OutputDataReceived += (_, _) => { };
        wrapper.ErrorDataReceived += (_, _) => { };
        wrapper.BeginOutputReadLine();
        wrapper.BeginErrorReadLine();
        try
        {
            while (!await AllHealthyAsync(http, cancellationToken))
            {
                if (wrapper.HasExited || clock.Elapsed > Deadline)
                {
                    throw new InvalidOperationException(wrapper.HasExited
                        ? $"the AppHost exited with {wrapper.ExitCode} before the graph was healthy"
                        : $"the graph was not healthy within {Deadline.TotalSeconds:0} s");
                }

                await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
            }

            return clock.Elapsed;
        }
        finally
        {
            await StopAsync(wrapper, data);
            Directory.Delete(data, recursive: true);
        }
    }

    private static async Task<bool> AllHealthyAsync(HttpClient http, CancellationToken cancellationToken)
    {
        foreach (var url in HealthUrls)
        {
            try
            {
                using var response = await http.GetAsync(url, cancellationToken);
                if (!response.IsSuccessStatusCode)
                {
                    return false;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Stops the AppHost the way Ctrl+C does. <c>dotnet run</c> does not pass SIGTERM on to the program it started, so
    /// the signal goes to that child (the AppHost), which stops its resources; the wrapper then ends by itself. The
    /// orchestrator ends the brokers (or their containers) a moment after the AppHost, so the next run waits for every
    /// process naming <paramref name="data"/> to be gone and the cluster's ports to be free.
    /// </summary>
    private static async Task StopAsync(Process wrapper, string data)
    {
        foreach (var child in Children(wrapper.Id))
        {
            using var kill = Process.Start("kill", ["-TERM", child.ToString(CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await wrapper.WaitForExitAsync(timeout.Token);
        while (ProcessesNaming(data).Any() || ClusterPorts.Any(Listening))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200), timeout.Token);
        }
    }

    private static bool Listening(int port)
    {
        using var probe = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        try
        {
            probe.Connect(System.Net.IPAddress.Loopback, port);
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    private static IEnumerable<int> ProcessesNaming(string path) =>
        Directory.EnumerateDirectories("/proc")
            .Select(dir => int.TryParse(Path.GetFileName(dir), out var pid) ? pid : 0)
            .Where(pid => pid > 0 && CommandLine(pid).Contains(path, StringComparison.Ordinal));

    private static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline");
        }
        catch (IOException)
        {
            return string.Empty; // it ended while we looked
        }
    }

    private static IEnumerable<int> Children(int pid) =>
        File.ReadAllText($"/proc/{pid}/task/{pid}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse);
}
