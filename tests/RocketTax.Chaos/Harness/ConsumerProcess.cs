using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using RocketTax.Testing;

namespace RocketTax.Chaos.Harness;

/// <summary>
/// A consumer in a process of its own (<c>RocketTax.Chaos.Consumer</c>), so it can die by <c>kill -9</c> with
/// messages received and not acked. Its stdout says what it received and what it consumed (then acked); the
/// consumed ones count as delivered, the rest must come back to another consumer once their invisible duration ends.
/// </summary>
public sealed class ConsumerProcess : IAsyncDisposable
{
    private const string AssemblyName = "RocketTax.Chaos.Consumer.dll";

    private readonly Process _process;
    private readonly DeliveryChecker _checker;
    private readonly ConcurrentDictionary<string, byte> _received = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _consumed = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _firstReceived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _outputEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentQueue<string> _errors = new();

    private ConsumerProcess(Process process, DeliveryChecker checker)
    {
        _process = process;
        _checker = checker;
    }

    /// <summary>The messages it received and had neither consumed nor acked when it died.</summary>
    public IReadOnlyList<string> Unacked => [.. _received.Keys.Where(k => !_consumed.ContainsKey(k))];

    public int ConsumedCount => _consumed.Count;

    /// <summary>Starts a consumer of <paramref name="stream"/> that takes <paramref name="invisibleDuration"/> leases; what it consumes goes to <paramref name="checker"/>.</summary>
    public static ConsumerProcess Start(string endpoints, TrafficStream stream, TimeSpan invisibleDuration, DeliveryChecker checker)
    {
        var startInfo = RocketMQProcessHost.StartInfo(AppContext.BaseDirectory, Path.Combine(AppContext.BaseDirectory, AssemblyName),
            [endpoints, stream.Topic, stream.ConsumerGroup, ((int)invisibleDuration.TotalSeconds).ToString(CultureInfo.InvariantCulture)]);
        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var consumer = new ConsumerProcess(process, checker);
        process.OutputDataReceived += (_, e) => consumer.OnLine(e.Data, stream);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                consumer._errors.Enqueue(line);
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return consumer;
    }

    /// <summary>Completes once the consumer printed its first received message; fails if it exits before.</summary>
    public async Task WaitForFirstReceivedAsync(TimeSpan within, CancellationToken cancellationToken)
    {
        var first = await Task.WhenAny(_firstReceived.Task, _outputEnded.Task).WaitAsync(within, cancellationToken);
        Assert.True(first == _firstReceived.Task, $"the consumer process exited before it received anything: {string.Join(Environment.NewLine, _errors)}");
    }

    /// <summary>kill -9, then reads what it printed up to its death.</summary>
    public async Task KillAsync(CancellationToken cancellationToken)
    {
        // Process.Kill is SIGKILL on Unix: no ack, no goodbye to the broker, leases simply lapse.
        _process.Kill();
        await _process.WaitForExitAsync(cancellationToken);
        await _outputEnded.Task.WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void OnLine(string? line, TrafficStream stream)
    {
        if (line is null)
        {
            _outputEnded.TrySetResult();
            return;
        }

        var parts = line.Split(' ');
        switch (parts[0])
        {
            case "received":
                _received.TryAdd(parts[1], 0);
                _firstReceived.TrySetResult();
                break;
            case "consumed":
                _consumed.TryAdd(parts[1], 0);
                _checker.Delivered(parts[1], parts[2] == "-" ? null : $"{stream.Topic}/{parts[2]}", long.Parse(parts[3], CultureInfo.InvariantCulture),
                    $"killed consumer, queue {parts[4]} attempt {parts[5]}", new DateTime(long.Parse(parts[6], CultureInfo.InvariantCulture), DateTimeKind.Utc));
                break;
        }
    }
}
