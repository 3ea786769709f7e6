using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace RocketTax.Testing;

/// <summary>
/// The real broker as a child process (<c>dotnet rocketmq.dll mqbroker -c broker.properties</c>) on a fresh
/// temp dir and free loopback ports. It is ready once its stdout says <c>boot success</c>, as the Java
/// broker's does, and it has answered a first gRPC request. Stop, kill and restart keep the store dir and ports, so tests can check what survives.
/// </summary>
public sealed class BrokerProcess : IAsyncDisposable
{
    private const int LogTailLines = 50;
    private const int MaxPortAttempts = 3;
    private const int OutputTailLines = 200;
    private const string ReadyMarker = "boot success";
    private const int SigTerm = 15;

    private readonly BrokerOptions _options;
    private readonly List<string> _logs = [];
    private readonly Lock _logsLock = new();
    private Process? _process;
    private TaskCompletionSource? _ready;
    private bool _booted;

    /// <summary>Prepares the temp dir, the ports and broker.properties; nothing runs until <see cref="StartAsync"/>.</summary>
    public BrokerProcess(BrokerOptions? options = null)
    {
        _options = options ?? new BrokerOptions();
        HomeDir = Directory.CreateTempSubdirectory("rockettax-broker-").FullName;
        ListenPort = FreePort.Next();
        GrpcPort = FreePort.Next();
        PropertiesPath = Path.Combine(HomeDir, "broker.properties");
        File.WriteAllText(PropertiesPath, RenderProperties(), Encoding.UTF8);
    }

    /// <summary>The temp dir holding broker.properties and the store; deleted on dispose.</summary>
    public string HomeDir { get; }

    /// <summary><c>storePathRootDir</c> of the broker.</summary>
    public string StoreDir => Path.Combine(HomeDir, "store");

    /// <summary>The broker.properties file the broker was started with.</summary>
    public string PropertiesPath { get; }

    /// <summary><c>listenPort</c>: the remoting (TCP) port; fixed once the broker has booted.</summary>
    public int ListenPort { get; private set; }

    /// <summary><c>grpcServerPort</c>: the gRPC MessagingService port; fixed once the broker has booted.</summary>
    public int GrpcPort { get; private set; }

    /// <summary>The endpoint clients are given, e.g. <c>127.0.0.1:38211</c>.</summary>
    public string GrpcEndpoint => $"127.0.0.1:{GrpcPort.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The OS process id of the current run, for fault injection by signal; null before the first start.</summary>
    public int? ProcessId => _process?.Id;

    /// <summary>True while the broker process is alive.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The exit code of the last run, once it has exited.</summary>
    public int? ExitCode => _process is { HasExited: true } process ? process.ExitCode : null;

    /// <summary>Every stdout line, and every stderr line prefixed <c>[stderr] </c>, of every run so far.</summary>
    public IReadOnlyList<string> Logs
    {
        get
        {
            lock (_logsLock)
            {
                return [.. _logs];
            }
        }
    }

    /// <summary>Creates a broker and waits until it has booted.</summary>
    public static async Task<BrokerProcess> StartNewAsync(BrokerOptions? options, CancellationToken cancellationToken)
    {
        var broker = new BrokerProcess(options);
        try
        {
            await broker.StartAsync(cancellationToken);
            return broker;
        }
        catch
        {
            await broker.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Launches the broker and waits for <c>boot success</c> and a first gRPC answer, its early exit, or the ready timeout. If another
    /// process took a port between <see cref="FreePort.Next"/> and the first boot, it retries on fresh ports.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (IsRunning)
        {
            throw new InvalidOperationException($"The broker on {GrpcEndpoint} is already running.");
        }

        for (var attempt = 1; !await TryLaunchAsync(retryOnPortInUse: !_booted && attempt < MaxPortAttempts, cancellationToken); attempt++)
        {
            AppendLog($"[fixture] port {ListenPort} or {GrpcPort} was taken before the broker bound it; retrying on fresh ports");
            ListenPort = FreePort.Next();
            GrpcPort = FreePort.Next();
            File.WriteAllText(PropertiesPath, RenderProperties(), Encoding.UTF8);
        }

        _booted = true;
    }

    /// <summary>One launch; false when it failed only because a port was in use and <paramref name="retryOnPortInUse"/> allows a retry.</summary>
    private async Task<bool> TryLaunchAsync(bool retryOnPortInUse, CancellationToken cancellationToken)
    {
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _ready = ready;
        var logsBefore = Logs.Count;
        var process = new Process { StartInfo = CreateStartInfo(), EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => OnLine(e.Data, stderr: false);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data, stderr: true);
        AppendLog($"[fixture] starting: {process.StartInfo.FileName} {string.Join(' ', process.StartInfo.ArgumentList)}");
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process?.Dispose();
        _process = process;

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.ReadyTimeout);
        var exited = process.WaitForExitAsync(CancellationToken.None);
        var expired = Task.Delay(Timeout.Infinite, timeout.Token);
        var first = await Task.WhenAny(ready.Task, exited, expired);
        if (first == ready.Task)
        {
            await GrpcReadiness.WaitForAnswerAsync(GrpcEndpoint, _options.TlsOnly, _options.ReadyTimeout, cancellationToken);
            return true;
        }

        if (first == exited)
        {
            // Output is read asynchronously: wait for the last lines before judging why the broker exited.
            await process.WaitForExitAsync(CancellationToken.None);
            if (retryOnPortInUse && Logs.Skip(logsBefore).Any(PortInUse.IsReported))
            {
                return false;
            }

            throw new InvalidOperationException(
                $"The broker exited with code {process.ExitCode} before printing '{ReadyMarker}'.{LogTail()}");
        }

        await KillAsync(CancellationToken.None);
        cancellationToken.ThrowIfCancellationRequested();
        throw new TimeoutException(
            $"The broker did not print '{ReadyMarker}' within {_options.ReadyTimeout.TotalSeconds:0} s; it was killed.{LogTail()}");
    }

    /// <summary>kill -9: the broker gets no chance to flush or clean up; waits until it is gone.</summary>
    public async Task KillAsync(CancellationToken cancellationToken)
    {
        if (_process is not { } process || process.HasExited)
        {
            return;
        }

        AppendLog("[fixture] killing the broker (SIGKILL)");
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync(cancellationToken);
    }

    /// <summary>Graceful stop: SIGTERM, then waits for the exit; kills and throws if that takes longer than the stop timeout.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_process is not { } process || process.HasExited)
        {
            return;
        }

        if (OperatingSystem.IsWindows())
        {
            await KillAsync(cancellationToken);
            return;
        }

        AppendLog("[fixture] stopping the broker (SIGTERM)");
        if (SendSignal(process.Id, SigTerm) != 0)
        {
            throw new InvalidOperationException(
                $"kill({process.Id}, SIGTERM) failed with errno {Marshal.GetLastPInvokeError()}.{LogTail()}");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.StopTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await KillAsync(CancellationToken.None);
            throw new TimeoutException(
                $"The broker did not exit within {_options.StopTimeout.TotalSeconds:0} s of SIGTERM; it was killed.{LogTail()}");
        }
    }

    /// <summary>Graceful stop, then start again on the same store dir and ports.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken)
    {
        await StopAsync(cancellationToken);
        await StartAsync(cancellationToken);
    }

    /// <summary>The last lines of the broker's output, for failure messages.</summary>
    public string LogTail(int lines = LogTailLines)
    {
        var logs = Logs;
        var tail = logs.Skip(Math.Max(0, logs.Count - lines));
        return $"{Environment.NewLine}--- last {Math.Min(lines, logs.Count)} broker log lines ({HomeDir}) ---" +
               $"{Environment.NewLine}{string.Join(Environment.NewLine, tail)}";
    }

    /// <summary>Kills a broker still running, copies its log tail into the test's output and deletes the temp dir.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_process is { } process)
        {
            await KillAsync(CancellationToken.None);
            process.Dispose();
            _process = null;
        }

        TestContext.Current.TestOutputHelper?.WriteLine(LogTail(OutputTailLines));

        try
        {
            Directory.Delete(HomeDir, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open must not fail the test; the OS cleans temp dirs eventually.
        }
    }

    private string RenderProperties()
    {
        var properties = new Dictionary<string, string>
        {
            ["brokerClusterName"] = "DefaultCluster",
            ["brokerName"] = "broker-a",
            ["brokerId"] = "0",
            ["deleteWhen"] = "04",
            ["fileReservedTime"] = "48",
            ["brokerRole"] = "ASYNC_MASTER",
            ["flushDiskType"] = _options.FlushDiskType,
            ["listenPort"] = ListenPort.ToString(CultureInfo.InvariantCulture),
            ["grpcServerPort"] = GrpcPort.ToString(CultureInfo.InvariantCulture),
            ["storePathRootDir"] = StoreDir,
            ["autoCreateTopicEnable"] = _options.AutoCreateTopicEnable ? "true" : "false",
            ["grpcTransport"] = _options.GrpcTransport,
            // Routes must point clients at loopback, never at a LAN address of the test machine.
            ["brokerIP1"] = "127.0.0.1",
        };
        foreach (var (key, value) in _options.ExtraProperties)
        {
            properties[key] = value;
        }

        return string.Concat(properties.Select(p => $"{p.Key}={p.Value}\n"));
    }

    private ProcessStartInfo CreateStartInfo() => RocketMQProcessHost.StartInfo(HomeDir, ["mqbroker", "-c", PropertiesPath]);

    private void OnLine(string? line, bool stderr)
    {
        if (line is null)
        {
            return;
        }

        AppendLog(stderr ? $"[stderr] {line}" : line);
        if (!stderr && line.Contains(ReadyMarker, StringComparison.Ordinal))
        {
            _ready?.TrySetResult();
        }
    }

    private void AppendLog(string line)
    {
        lock (_logsLock)
        {
            _logs.Add(line);
        }
    }

    // DllImport rather than LibraryImport: the generated stub needs AllowUnsafeBlocks, which this project does not set.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);
}
