using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace RocketTax.Testing;

/// <summary>
/// A real name server as a child process (<c>dotnet rocketmq.dll mqnamesrv -c namesrv.properties</c>) on a free
/// loopback port, ready once it prints RocketMQ's <c>The Name Server boot success</c>.
/// </summary>
public sealed class NameServerProcess : IAsyncDisposable
{
    private const string ReadyMarker = "The Name Server boot success";
    private const int SigTerm = 15;
    private const int MaxPortAttempts = 3;

    private readonly List<string> _logs = [];
    private readonly Lock _logsLock = new();
    private readonly TimeSpan _readyTimeout = TimeSpan.FromSeconds(30);
    private Process? _process;
    private readonly long _brokerExpiredMillis;
    private TaskCompletionSource? _ready;
    private bool _booted;

    /// <summary>Writes namesrv.properties (port, <paramref name="brokerExpiredMillis"/>) into a fresh temp dir.</summary>
    public NameServerProcess(long brokerExpiredMillis = 120_000)
    {
        _brokerExpiredMillis = brokerExpiredMillis;
        HomeDir = Directory.CreateTempSubdirectory("rockettax-namesrv-").FullName;
        PropertiesPath = Path.Combine(HomeDir, "namesrv.properties");
        UsePort(FreePort.Next());
    }

    public string HomeDir { get; }

    public string PropertiesPath { get; }

    /// <summary>The listen port; fixed once the name server has booted.</summary>
    public int Port { get; private set; }

    /// <summary><c>127.0.0.1:port</c>, as brokers' <c>namesrvAddr</c> and mqadmin's <c>-n</c> take it.</summary>
    public string Address => $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The OS process id of the current run, for fault injection by signal; null before the first start.</summary>
    public int? ProcessId => _process?.Id;

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Exit code of the last run, once it exited.</summary>
    public int? ExitCode => _process is { HasExited: true } p ? p.ExitCode : null;

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

    public static async Task<NameServerProcess> StartNewAsync(CancellationToken cancellationToken, long brokerExpiredMillis = 120_000)
    {
        var nameServer = new NameServerProcess(brokerExpiredMillis);
        try
        {
            await nameServer.StartAsync(cancellationToken);
            return nameServer;
        }
        catch
        {
            await nameServer.DisposeAsync();
            throw;
        }
    }

    /// <summary>Launches the name server and waits for it to boot; retries on a fresh port if the first boot finds its port taken.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; !await TryLaunchAsync(retryOnPortInUse: !_booted && attempt < MaxPortAttempts, cancellationToken); attempt++)
        {
            UsePort(FreePort.Next());
        }

        _booted = true;
    }

    private async Task<bool> TryLaunchAsync(bool retryOnPortInUse, CancellationToken cancellationToken)
    {
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _ready = ready;
        var logsBefore = Logs.Count;
        var process = new Process { StartInfo = RocketMQProcessHost.StartInfo(HomeDir, ["mqnamesrv", "-c", PropertiesPath]), EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => OnLine(e.Data, stderr: false);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data, stderr: true);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process?.Dispose();
        _process = process;

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_readyTimeout);
        var exited = process.WaitForExitAsync(CancellationToken.None);
        var first = await Task.WhenAny(ready.Task, exited, Task.Delay(Timeout.Infinite, timeout.Token));
        if (first == ready.Task)
        {
            return true;
        }

        if (first == exited)
        {
            await process.WaitForExitAsync(CancellationToken.None);
            if (retryOnPortInUse && Logs.Skip(logsBefore).Any(PortInUse.IsReported))
            {
                return false;
            }
        }

        await KillAsync(CancellationToken.None);
        cancellationToken.ThrowIfCancellationRequested();
        throw new InvalidOperationException($"The name server on {Address} did not boot.{LogTail()}");
    }

    /// <summary>kill -9, and waits until it is gone.</summary>
    public async Task KillAsync(CancellationToken cancellationToken)
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(cancellationToken);
        }
    }

    /// <summary>SIGTERM, and waits (15 s at most) for the exit.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_process is not { HasExited: false } process)
        {
            return;
        }

        if (OperatingSystem.IsWindows() || SendSignal(process.Id, SigTerm) != 0)
        {
            await KillAsync(cancellationToken);
            return;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(15));
        await process.WaitForExitAsync(timeout.Token);
    }

    public string LogTail(int lines = 50)
    {
        var logs = Logs;
        return $"{Environment.NewLine}--- name server {Address} log ---{Environment.NewLine}{string.Join(Environment.NewLine, logs.Skip(Math.Max(0, logs.Count - lines)))}";
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync(CancellationToken.None);
        _process?.Dispose();
        _process = null;
        TestContext.Current.TestOutputHelper?.WriteLine(LogTail(100));
        try
        {
            Directory.Delete(HomeDir, recursive: true);
        }
        catch (IOException)
        {
            // The OS cleans temp dirs eventually.
        }
    }

    private void UsePort(int port)
    {
        Port = port;
        File.WriteAllText(PropertiesPath,
            $"listenPort={Port.ToString(CultureInfo.InvariantCulture)}\nbrokerExpiredMillis={_brokerExpiredMillis.ToString(CultureInfo.InvariantCulture)}\nscanNotActiveBrokerInterval=500\n",
            Encoding.UTF8);
    }

    private void OnLine(string? line, bool stderr)
    {
        if (line is null)
        {
            return;
        }

        lock (_logsLock)
        {
            _logs.Add(stderr ? $"[stderr] {line}" : line);
        }

        if (!stderr && line.Contains(ReadyMarker, StringComparison.Ordinal))
        {
            _ready?.TrySetResult();
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);
}
