using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace RocketTax.Bench;

/// <summary>Starts the broker executable on a temp store and free ports, and reads its resource use from /proc.</summary>
public sealed class BrokerLauncher : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _home;

    private BrokerLauncher(Process process, string home, int grpcPort)
    {
        _process = process;
        _home = home;
        GrpcPort = grpcPort;
    }

    public int GrpcPort { get; }

    public static async Task<BrokerLauncher> StartAsync(string flushDiskType, CancellationToken cancellationToken)
    {
        var home = Directory.CreateTempSubdirectory("rockettax-bench-").FullName;
        var grpcPort = FreePort();
        File.WriteAllText(Path.Combine(home, "broker.properties"), $"""
            brokerClusterName=DefaultCluster
            brokerName=broker-a
            brokerId=0
            brokerRole=ASYNC_MASTER
            flushDiskType={flushDiskType}
            listenPort={FreePort()}
            grpcServerPort={grpcPort}
            brokerIP1=127.0.0.1
            storePathRootDir={Path.Combine(home, "store")}
            autoCreateTopicEnable=true
            """);
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "rocketmq.dll"), "mqbroker", "-c", Path.Combine(home, "broker.properties") },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the broker");
        var booted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.Contains("boot success", StringComparison.Ordinal) == true)
            {
                booted.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Console.Error.WriteLine($"[broker] {e.Data}");
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await booted.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        return new BrokerLauncher(process, home, grpcPort);
    }

    /// <summary>Peak resident set size (VmHWM) of the broker process.</summary>
    public long PeakRssBytes() => ReadStatusKilobytes("VmHWM") * 1024;

    /// <summary>User + system CPU time the broker has used.</summary>
    public double CpuSeconds()
    {
        var stat = File.ReadAllText($"/proc/{_process.Id}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return ticks / 100.0;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Directory.Delete(_home, recursive: true);
    }

    private long ReadStatusKilobytes(string field)
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
            {
                return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
