using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using RocketTax.RocketMQ.Client;

namespace RocketTax.Bench;

/// <summary>
/// The typed topics under load, through our client: an orderly group draining a FIFO backlog, and a burst of
/// delayed messages that all come due at once.
/// </summary>
public static class MessageTypeScenarios
{
    private const string SequenceProperty = "bench-seq";
    private const int FifoQueues = 8;
    private const int MiB = 1024 * 1024;

    /// <summary>
    /// Fills a FIFO topic of 8 queues with <see cref="ProduceOptions.Messages"/> messages, one message group per
    /// sender, then drains it with a push consumer of an orderly group. A message seen before an earlier one of
    /// its group counts as failed.
    /// </summary>
    public static async Task<ProduceResult> FifoConsumeAsync(ProduceOptions options, CancellationToken cancellationToken)
    {
        const string Topic = "bench-fifo-topic";
        const string Group = "bench-fifo-group";
        await using var broker = await BrokerLauncher.StartAsync(options, withNameServer: true, cancellationToken);
        var queues = FifoQueues.ToString(CultureInfo.InvariantCulture);
        await broker.AdminAsync(cancellationToken, "updateTopic", "-t", Topic, "-r", queues, "-w", queues, "-a", "+message.type=FIFO");
        await broker.AdminAsync(cancellationToken, "updateSubGroup", "-g", Group, "-o", "true");
        await using (var producer = ClientScenarios.NewProducer(broker, Topic, options.GrpcClient))
        {
            var body = new byte[options.BodySize];
            var sequences = new long[options.Senders];
            Console.Error.WriteLine($"filling a FIFO backlog of {options.Messages:N0} messages in {options.Senders} message groups");
            await ClosedLoop.RunAsync(options.Senders, options.Messages, Timeout.InfiniteTimeSpan, async (sender, ct) =>
            {
                var message = new Message(Topic, body)
                {
                    MessageGroup = $"group-{sender}",
                    Properties = new Dictionary<string, string> { [SequenceProperty] = (++sequences[sender]).ToString(CultureInfo.InvariantCulture) },
                };
                await producer.SendAsync(message, ct);
                return true;
            }, null, cancellationToken);
        }

        var lastSeen = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        long received = 0, outOfOrder = 0;
        var drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cpuBefore = CpuMark.Now(broker.Resources);
        var clock = Stopwatch.StartNew();
        await using var consumer = ClientScenarios.NewPushConsumer(broker, Group, Topic, options.GrpcClient,
            (message, _) =>
            {
                var sequence = long.Parse(message.Properties[SequenceProperty], CultureInfo.InvariantCulture);
                if (lastSeen.AddOrUpdate(message.MessageGroup!, sequence, (_, last) => Math.Max(last, sequence)) != sequence)
                {
                    Interlocked.Increment(ref outOfOrder);
                }

                if (Interlocked.Increment(ref received) == options.Messages)
                {
                    drained.TrySetResult();
                }

                return ValueTask.FromResult(ConsumeResult.Success);
            });
        await consumer.StartAsync(cancellationToken);
        await drained.Task.WaitAsync(options.MaxDuration * 3, cancellationToken);
        return ProduceResult.Measured("consume FIFO backlog (push consumer, orderly group)",
            $"{options.FlushDiskType}, {options.Messages:N0} messages, {options.Senders} message groups over {FifoQueues} queues, {options.BodySize} B",
            received, outOfOrder, clock.Elapsed, new LatencyRecorder(0), broker.Resources, cpuBefore);
    }

    /// <summary>
    /// Sends <see cref="ProduceOptions.Messages"/> delayed messages all due at one moment after the sends end,
    /// reads the broker's RSS with them pending, then times their delivery to a push consumer from that moment.
    /// Latency is how late each arrived after its due time; one that arrived early counts as failed.
    /// </summary>
    public static async Task<ProduceResult> DelayBurstAsync(ProduceOptions options, CancellationToken cancellationToken)
    {
        const string Topic = "bench-delay-topic";
        await using var broker = await BrokerLauncher.StartAsync(options, withNameServer: true, cancellationToken);
        await broker.AdminAsync(cancellationToken, "updateTopic", "-t", Topic, "-a", "+message.type=DELAY");
        var rssIdle = broker.Resources.RssBytes();
        DateTimeOffset due;
        await using (var producer = ClientScenarios.NewProducer(broker, Topic, options.GrpcClient))
        {
            // Started first, so its route query and settings (seconds on a loaded machine) do not eat into the fill time.
            await producer.StartAsync(cancellationToken);
            // Far enough ahead that every send is stored before the first is due, at a fill rate well below this machine's.
            due = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(10 + (options.Messages / 5_000));
            var body = new byte[options.BodySize];
            Console.Error.WriteLine($"sending {options.Messages:N0} messages due at {due:HH:mm:ss.fff}");
            await ClosedLoop.RunAsync(options.Senders, options.Messages, Timeout.InfiniteTimeSpan, async (_, ct) =>
            {
                await producer.SendAsync(new Message(Topic, body) { DeliveryTimestamp = due }, ct);
                return true;
            }, null, cancellationToken);
        }

        if (DateTimeOffset.UtcNow >= due)
        {
            throw new InvalidOperationException($"the sends ended after the messages were due ({due:HH:mm:ss.fff}); run with fewer --messages");
        }

        var rssPending = broker.Resources.RssBytes();
        var lateness = new LatencyRecorder(options.Messages);
        long received = 0, early = 0;
        var delivered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cpuBefore = CpuMark.Now(broker.Resources);
        await using var consumer = ClientScenarios.NewPushConsumer(broker, "bench-delay-group", Topic, options.GrpcClient,
            (_, _) =>
            {
                var late = DateTimeOffset.UtcNow - due;
                if (late < TimeSpan.Zero)
                {
                    Interlocked.Increment(ref early);
                }
                else
                {
                    lateness.Record((long)(late.TotalSeconds * Stopwatch.Frequency));
                }

                if (Interlocked.Increment(ref received) == options.Messages)
                {
                    delivered.TrySetResult();
                }

                return ValueTask.FromResult(ConsumeResult.Success);
            });
        await consumer.StartAsync(cancellationToken);
        await delivered.Task.WaitAsync((due - DateTimeOffset.UtcNow) + (options.MaxDuration * 3), cancellationToken);
        var elapsed = DateTimeOffset.UtcNow - due;
        return ProduceResult.Measured("delayed burst (push consumer)",
            $"{options.FlushDiskType}, {options.Messages:N0} due together, broker RSS {rssIdle / MiB} MB idle → {rssPending / MiB} MB with them pending, {options.BodySize} B",
            received, early, elapsed, lateness, broker.Resources, cpuBefore);
    }
}
