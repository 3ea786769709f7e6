using System.Diagnostics;
using System.Globalization;
using RocketTax.RocketMQ.Client;

namespace RocketTax.Bench;

/// <summary>
/// Runs through RocketTax.RocketMQ.Client, as an application would: closed-loop produce throughput,
/// open-loop send latency at a fixed offered load, end-to-end latency to a push consumer's handler,
/// and push-consumer throughput from a backlog.
/// </summary>
public static class ClientScenarios
{
    private const string SentAtProperty = "bench-sent-ticks";

    // A second of sends at 1,000 msg/s, a fifth of one at 5,000: far above what a healthy broker keeps in flight.
    private const int MaxPacedInFlight = 1_000;

    /// <summary>
    /// Longer than the client's 3 s default: each scenario's first call goes to a broker started a moment before, and on
    /// a loaded 2-core machine that first route query (both processes compiling their gRPC paths) took over 3 s, which
    /// failed the whole run. A slow send later still counts, as latency, in the run's figures.
    /// </summary>
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    public static async Task<ProduceResult> ProduceAsync(ProduceOptions options, CancellationToken cancellationToken)
    {
        await using var broker = await BrokerLauncher.StartAsync(options, withNameServer: false, cancellationToken);
        await using var producer = NewProducer(broker, "client-produce-topic", options.GrpcClient);
        return await ClosedLoop.MeasureAsync($"produce (client{options.GrpcStackNote})", $"{options.FlushDiskType}, {options.Senders} senders, {options.BodySize} B", options,
            broker.Resources, SendOne(producer, "client-produce-topic", new byte[options.BodySize]), cancellationToken);
    }

    /// <summary>
    /// Sends at a fixed rate, each send issued on schedule whatever the previous ones are doing (open loop), so a
    /// slow answer cannot hold back the offered load; latency counts from when the send was issued.
    /// </summary>
    public static async Task<ProduceResult> SendLatencyAsync(ProduceOptions options, CancellationToken cancellationToken)
    {
        await using var broker = await BrokerLauncher.StartAsync(options, withNameServer: false, cancellationToken);
        await using var producer = NewProducer(broker, "client-latency-topic", options.GrpcClient);
        var body = new byte[options.BodySize];
        await ClosedLoop.RunAsync(16, options.Warmup, Timeout.InfiniteTimeSpan, SendOne(producer, "client-latency-topic", body), null, cancellationToken);
        await PacedWarmUpAsync(options, _ => producer.SendAsync(new Message("client-latency-topic", body) { Tag = "2021S1" }, cancellationToken), cancellationToken);
        var cpuBefore = CpuMark.Now(broker.Resources);
        var total = (int)(options.Rate * options.MaxDuration.TotalSeconds);
        var latencies = new LatencyRecorder(total);
        long failed = 0;
        var clock = Stopwatch.StartNew();
        await PaceAsync(options.Rate, total, async due =>
        {
            try
            {
                await producer.SendAsync(new Message("client-latency-topic", body) { Tag = "2021S1" }, cancellationToken);
                latencies.Record(Stopwatch.GetTimestamp() - due);
            }
            catch (RocketMQException)
            {
                Interlocked.Increment(ref failed);
            }
        }, cancellationToken);
        return Result("send latency (client)", $"{options.FlushDiskType}, {options.Rate:N0} msg/s offered, {options.BodySize} B", latencies.Count, failed, clock.Elapsed, latencies, broker, cpuBefore);
    }

    /// <summary>Latency from a send being issued to the push consumer's handler seeing the message.</summary>
    public static async Task<ProduceResult> EndToEndAsync(ProduceOptions options, CancellationToken cancellationToken)
    {
        const string Topic = "client-e2e-topic";
        await using var broker = await BrokerLauncher.StartAsync(options, withNameServer: false, cancellationToken);
        await using var producer = NewProducer(broker, Topic, options.GrpcClient);
        var total = (int)(options.Rate * options.MaxDuration.TotalSeconds);
        var latencies = new LatencyRecorder(total);
        var received = 0;
        var allReceived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var warmedUp = 0;
        var warmUpTotal = options.Warmup + PacedWarmUpCount(options);
        var warmUpReceived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (warmUpTotal == 0)
        {
            warmUpReceived.SetResult();
        }

        await using var consumer = NewPushConsumer(broker, "bench-e2e", Topic, options.GrpcClient,
            (message, _) =>
            {
                if (message.Properties.TryGetValue(SentAtProperty, out var sentAt))
                {
                    latencies.Record(Stopwatch.GetTimestamp() - long.Parse(sentAt, CultureInfo.InvariantCulture));
                    if (Interlocked.Increment(ref received) == total)
                    {
                        allReceived.TrySetResult();
                    }
                }
                else if (Interlocked.Increment(ref warmedUp) == warmUpTotal)
                {
                    warmUpReceived.TrySetResult();
                }

                return ValueTask.FromResult(ConsumeResult.Success);
            });
        await consumer.StartAsync(cancellationToken);
        var body = new byte[options.BodySize];
        // Unmeasured, and consumed before the clock starts: the first messages would time the JIT of both paths.
        Console.Error.WriteLine($"warm-up: {options.Warmup:N0} messages through the push consumer");
        await ClosedLoop.RunAsync(16, options.Warmup, Timeout.InfiniteTimeSpan, SendOne(producer, Topic, body), null, cancellationToken);
        await PacedWarmUpAsync(options, _ => producer.SendAsync(new Message(Topic, body) { Tag = "2021S1" }, cancellationToken), cancellationToken);
        await warmUpReceived.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
        var cpuBefore = CpuMark.Now(broker.Resources);
        long failed = 0;
        var clock = Stopwatch.StartNew();
        await PaceAsync(options.Rate, total, async due =>
        {
            var message = new Message(Topic, body)
            {
                Tag = "2021S1",
                Properties = new Dictionary<string, string> { [SentAtProperty] = due.ToString(CultureInfo.InvariantCulture) },
            };
            try
            {
                await producer.SendAsync(message, cancellationToken);
            }
            catch (RocketMQException)
            {
                Interlocked.Increment(ref failed);
            }
        }, cancellationToken);
        await allReceived.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
        return Result("end to end (client)", $"{options.FlushDiskType}, {options.Rate:N0} msg/s offered, push consumer", received, failed, clock.Elapsed, latencies, broker, cpuBefore);
    }

    /// <summary>Fills a backlog, then measures how fast a push consumer drains it.</summary>
    public static async Task<ProduceResult> ConsumeBacklogAsync(ProduceOptions options, CancellationToken cancellationToken)
    {
        const string Topic = "client-backlog-topic";
        await using var broker = await BrokerLauncher.StartAsync(options, withNameServer: false, cancellationToken);
        await using (var producer = NewProducer(broker, Topic, options.GrpcClient))
        {
            Console.Error.WriteLine($"filling a backlog of {options.Messages:N0} messages");
            await ClosedLoop.RunAsync(options.Senders, options.Messages, Timeout.InfiniteTimeSpan, SendOne(producer, Topic, new byte[options.BodySize]), null, cancellationToken);
        }

        var received = 0;
        var drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cpuBefore = CpuMark.Now(broker.Resources);
        var clock = Stopwatch.StartNew();
        await using var consumer = NewPushConsumer(broker, "bench-backlog", Topic, options.GrpcClient,
            (_, _) =>
            {
                if (Interlocked.Increment(ref received) == options.Messages)
                {
                    drained.TrySetResult();
                }

                return ValueTask.FromResult(ConsumeResult.Success);
            });
        await consumer.StartAsync(cancellationToken);
        await drained.Task.WaitAsync(options.MaxDuration * 3, cancellationToken);
        var elapsed = clock.Elapsed;
        return Result("consume backlog (push consumer)", $"{options.FlushDiskType}, {options.Messages:N0} messages, {options.BodySize} B", received, 0, elapsed,
            new LatencyRecorder(0), broker, cpuBefore);
    }

    /// <summary>A push consumer of <paramref name="group"/> on all of <paramref name="topic"/> at this broker, 64 handlers at once; not started.</summary>
    internal static PushConsumer NewPushConsumer(
        BrokerLauncher broker, string group, string topic, GrpcTransport transport, Func<MessageView, CancellationToken, ValueTask<ConsumeResult>> handler) =>
        new(new PushConsumerOptions
        {
            Endpoints = $"127.0.0.1:{broker.GrpcPort}",
            RequestTimeout = RequestTimeout,
            ConsumerGroup = group,
            Subscriptions = new Dictionary<string, FilterExpression> { [topic] = FilterExpression.SubAll },
            MaxConcurrency = 64,
            Transport = transport,
        }, handler);

    internal static Producer NewProducer(BrokerLauncher broker, string topic, GrpcTransport transport) =>
        new(new ProducerOptions { Endpoints = $"127.0.0.1:{broker.GrpcPort}", RequestTimeout = RequestTimeout, Topics = [topic], Transport = transport });

    /// <summary>One send through the client; a refusal the client reports counts as failed.</summary>
    private static ClosedLoop.SendOne SendOne(Producer producer, string topic, byte[] body) => async (_, cancellationToken) =>
    {
        try
        {
            await producer.SendAsync(new Message(topic, body) { Tag = "2021S1" }, cancellationToken);
            return true;
        }
        catch (RocketMQException)
        {
            return false;
        }
    };

    /// <summary>
    /// The second half of a paced scenario's warm-up, after its <see cref="ProduceOptions.Warmup"/> closed-loop messages:
    /// <see cref="ProduceOptions.WarmupTime"/> of sends at the offered rate. After the closed loop alone, the JIT went on
    /// recompiling the paths a paced run takes (a few sends in flight, each on its own) for the first seconds of the
    /// measured phase, at 0.2–0.5 s a second on the broker: p99 at 5,000 msg/s was 4.6–5.6 ms, against 2.4–3.5 ms with
    /// this warm-up.
    /// </summary>
    private static async Task PacedWarmUpAsync(ProduceOptions options, Func<long, Task> send, CancellationToken cancellationToken)
    {
        var count = PacedWarmUpCount(options);
        Console.Error.WriteLine($"warm-up: {count:N0} messages at {options.Rate:N0} msg/s");
        await PaceAsync(options.Rate, count, send, cancellationToken);
    }

    private static int PacedWarmUpCount(ProduceOptions options) => (int)(options.Rate * options.WarmupTime.TotalSeconds);

    /// <summary>
    /// Starts <paramref name="total"/> operations at <paramref name="rate"/> per second without waiting for earlier ones,
    /// and hands each the <see cref="Stopwatch"/> timestamp it was due at: latency counted from there includes any time
    /// the pacer was late. The pacer has a thread of its own that sleeps a millisecond at a time (about 1.06 ms here):
    /// .NET's timers (<see cref="PeriodicTimer"/>, <see cref="Task.Delay(TimeSpan)"/>) tick only every 4 ms or so on this
    /// machine, and sends due within a tick would go out together, up to a tick late. At most
    /// <see cref="MaxPacedInFlight"/> run at once: past that the pacer waits (and the wait shows in the latencies), so a
    /// stalled broker makes the run slow, not the load generator pile up sends until its own GC and thread pool collapse.
    /// </summary>
    private static async Task PaceAsync(int rate, int total, Func<long, Task> operation, CancellationToken cancellationToken)
    {
        var inFlight = new List<Task>(total);
        using var slots = new SemaphoreSlim(MaxPacedInFlight, MaxPacedInFlight);
        var start = Stopwatch.GetTimestamp();
        var interval = (double)Stopwatch.Frequency / rate;
        await Task.Factory.StartNew(() =>
        {
            for (var issued = 0; issued < total; issued++)
            {
                var due = start + (long)(issued * interval);
                while (Stopwatch.GetTimestamp() < due)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    Thread.Sleep(1);
                }

                slots.Wait(cancellationToken);
                inFlight.Add(Release(operation(due), slots));
            }
        }, cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        await Task.WhenAll(inFlight);

        static async Task Release(Task operation, SemaphoreSlim slots)
        {
            try
            {
                await operation;
            }
            finally
            {
                slots.Release();
            }
        }
    }

    private static ProduceResult Result(string scenario, string setting, long count, long failed, TimeSpan elapsed, LatencyRecorder latencies, BrokerLauncher broker, CpuMark cpuBefore) =>
        ProduceResult.Measured(scenario, setting, count, failed, elapsed, latencies, broker.Resources, cpuBefore);
}
