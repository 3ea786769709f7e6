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
        Console.Error.WriteLine($"warm-up: {options.Warmup:N0} messages");
        await RunAsync(options.Senders, options.Warmup, options.MaxDuration, send, null, cancellationToken);
        var cpuBefore = CpuMark.Now(broker);
        Console.Error.WriteLine($"measured: {options.Messages:N0} messages");
        var latencies = new LatencyRecorder(options.Messages);
        var clock = Stopwatch.StartNew();
        var (sent, failed) = await RunAsync(options.Senders, options.Messages, options.MaxDuration, send, latencies, cancellationToken);
        return ProduceResult.Measured(scenario, setting, sent, failed, clock.Elapsed, latencies, broker, cpuBefore);
    }

    /// <summary>Sends <paramref name="total"/> messages from <paramref name="senders"/> senders, or as many as fit in <paramref name="timeBound"/>.</summary>
    public static async Task<(long Sent, long Failed)> RunAsync(
        int senders, int total, TimeSpan timeBound, SendOne send, LatencyRecorder? latencies, CancellationToken cancellationToken)
    {
        long next = -1, sent = 0, failed = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stop.CancelAfter(timeBound);
        var clock = Stopwatch.StartNew();
        using var progress = new Timer(
            _ => Console.Error.Write($"\r  sent {Interlocked.Read(ref sent):N0} / {total:N0} ({Interlocked.Read(ref sent) / clock.Elapsed.TotalSeconds:N0} msg/s)   "),
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
