using System.Diagnostics;

namespace RocketTax.Bench;

/// <summary>
/// Concurrent senders, each sending its next message as soon as the previous one is acknowledged (closed loop),
/// with a progress line; used alike for our client and the peers' clients so their figures mean the same.
/// </summary>
public static class ClosedLoop
{
    /// <summary>Sends one message from sender <c>int</c>; true when the broker acknowledged it, false when it refused it.</summary>
    public delegate ValueTask<bool> SendOne(int sender, CancellationToken cancellationToken);

    /// <summary>
    /// An unmeasured warm-up of <see cref="ProduceOptions.Warmup"/> messages, then <see cref="ProduceOptions.Messages"/>
    /// measured ones, each phase bounded by <see cref="ProduceOptions.MaxDuration"/>.
    /// </summary>
    public static async Task<ProduceResult> MeasureAsync(
        string scenario, string setting, ProduceOptions options, ProcessResources? broker, SendOne send, CancellationToken cancellationToken)
    {
        await WarmUpAsync(options, (total, timeBound) => RunAsync(options.Senders, total, timeBound, send, null, cancellationToken));
        var cpuBefore = CpuMark.Now(broker);
        Console.Error.WriteLine($"measured: {options.Messages:N0} messages");
        var latencies = new LatencyRecorder(options.Messages);
        var clock = Stopwatch.StartNew();
        var (sent, failed) = await RunAsync(options.Senders, options.Messages, options.MaxDuration, send, latencies, cancellationToken);
        return ProduceResult.Measured(scenario, setting, sent, failed, clock.Elapsed, latencies, broker, cpuBefore);
    }

    /// <summary>
    /// The unmeasured warm-up: <see cref="ProduceOptions.Warmup"/> messages, then more until
    /// <see cref="ProduceOptions.WarmupTime"/> has passed, each phase by <paramref name="run"/>(messages, time bound).
    /// </summary>
    public static async Task WarmUpAsync(ProduceOptions options, Func<int, TimeSpan, Task> run)
    {
        Console.Error.WriteLine($"warm-up: {options.Warmup:N0} messages, {options.WarmupTime.TotalSeconds:N0} s at least");
        var clock = Stopwatch.StartNew();
        await run(options.Warmup, options.MaxDuration);
        if (options.WarmupTime - clock.Elapsed is var rest && rest > TimeSpan.Zero)
        {
            await run(Unbounded, rest);
        }
    }

    /// <summary>A message count that only a time bound ends.</summary>
    public const int Unbounded = int.MaxValue;

    /// <summary>How far a run is, for its progress line.</summary>
    public static string Progress(long sent, int total, TimeSpan elapsed) =>
        $"\r  sent {sent:N0}{(total == Unbounded ? string.Empty : $" / {total:N0}")} ({sent / elapsed.TotalSeconds:N0} msg/s)   ";

    /// <summary>Sends <paramref name="total"/> messages from <paramref name="senders"/> senders, or as many as fit in <paramref name="timeBound"/>.</summary>
    public static async Task<(long Sent, long Failed)> RunAsync(
        int senders, int total, TimeSpan timeBound, SendOne send, LatencyRecorder? latencies, CancellationToken cancellationToken)
    {
        long next = -1, sent = 0, failed = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stop.CancelAfter(timeBound);
        var clock = Stopwatch.StartNew();
        using var progress = new Timer(
            _ => Console.Error.Write(Progress(Interlocked.Read(ref sent), total, clock.Elapsed)),
            null, 1000, 1000);
        await Task.WhenAll(Enumerable.Range(0, senders).Select(async sender =>
        {
            while (!stop.IsCancellationRequested && Interlocked.Increment(ref next) < total)
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    if (await send(sender, stop.Token))
                    {
                        latencies?.Record(Stopwatch.GetTimestamp() - started);
                        Interlocked.Increment(ref sent);
                    }
                    else
                    {
                        Interlocked.Increment(ref failed);
                    }
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                {
                    return;
                }
            }
        }));
        Console.Error.WriteLine();
        return (sent, failed);
    }
}
