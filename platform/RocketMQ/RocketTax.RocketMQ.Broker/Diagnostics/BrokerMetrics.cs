using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using RocketTax.RocketMQ.Broker.Managers;
using RocketTax.RocketMQ.Broker.Store;

namespace RocketTax.RocketMQ.Broker.Diagnostics;

/// <summary>
/// The broker's instruments, on one meter named <see cref="BrokerDiagnostics.Name"/>. RocketMQ's own broker
/// metric names (<c>rocketmq_messages_in_total</c>, ...) in OpenTelemetry's dotted style, with the messaging
/// conventions' attributes, so a RocketMQ operator and the Aspire dashboard both know them. Counters and
/// histograms cost a flag check while nobody listens; the gauges are computed only when collected.
/// </summary>
public sealed class BrokerMetrics
{
    private static readonly InstrumentAdvice<double> LatencyBuckets = new()
    {
        HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    };

    private readonly Counter<long> _messagesIn;
    private readonly Counter<long> _bytesIn;
    private readonly Counter<long> _messagesOut;
    private readonly Histogram<double> _sendDuration;
    private readonly Histogram<double> _storeDuration;
    private readonly IMessageStore _store;
    private readonly PopManager _pop;
    private readonly ConsumerOffsetManager _offsets;
    private readonly TopicManager _topics;

    public BrokerMetrics(IMeterFactory meters, IMessageStore store, PopManager pop, ConsumerOffsetManager offsets, TopicManager topics)
    {
        _store = store;
        _pop = pop;
        _offsets = offsets;
        _topics = topics;
        var meter = meters.Create(BrokerDiagnostics.Name, typeof(BrokerMetrics).Assembly.GetName().Version?.ToString());
        _messagesIn = meter.CreateCounter<long>("rocketmq.messages.in", "{message}", "Messages producers sent that this broker stored.");
        _bytesIn = meter.CreateCounter<long>("rocketmq.throughput.in", "By", "Body bytes of the messages this broker stored.");
        _messagesOut = meter.CreateCounter<long>("rocketmq.messages.out", "{message}", "Messages this broker delivered to consumers (redeliveries included).");
        _sendDuration = meter.CreateHistogram("rocketmq.send.duration", "s", "Time to answer a SendMessage call, validation and store included.", advice: LatencyBuckets);
        _storeDuration = meter.CreateHistogram("rocketmq.store.duration", "s", "Time to append a send to the store (after fsync under SYNC_FLUSH).", advice: LatencyBuckets);
        meter.CreateObservableGauge("rocketmq.consumer.lag", ObserveConsumerLag, "{message}", "Messages of a queue a consumer group has not finished (acked) yet.");
        meter.CreateObservableGauge("rocketmq.dlq.size", ObserveDeadLetters, "{message}", "Messages in a consumer group's dead-letter queue (%DLQ%group).");
        meter.CreateObservableCounter("rocketmq.send.refused", () => _store.Statistics.SendsRefused, "{send}",
            "Producers' sends refused unstored with TOO_MANY_REQUESTS: the send queue was full, or they waited in it past waitTimeMillsInSendQueue.");
        meter.CreateObservableGauge("rocketmq.send.queue.size", () => _store.QueuedSends, "{send}", "Producers' sends waiting for their append.");
        meter.CreateObservableGauge("rocketmq.storage.size", () => _store.Statistics.CommitLogBytes, "By", "Commit-log bytes on disk.");
    }

    /// <summary>Whether anyone listens to stored bytes, so a caller can skip summing body sizes.</summary>
    public bool CountsBytes => _bytesIn.Enabled;

    /// <summary>A timestamp to pass to the Record methods; 0 when nobody listens to durations.</summary>
    public long StartTimer() => _sendDuration.Enabled || _storeDuration.Enabled ? Stopwatch.GetTimestamp() : 0;

    /// <summary>Counts a stored send and its latency; <paramref name="errorType"/> (a status code) marks a refused one.</summary>
    public void RecordSend(string? topic, int messages, long bodyBytes, long startedAt, string? errorType)
    {
        if (errorType is null && topic is not null)
        {
            var destination = new KeyValuePair<string, object?>(BrokerDiagnostics.Destination, topic);
            _messagesIn.Add(messages, destination);
            _bytesIn.Add(bodyBytes, destination);
        }

        if (startedAt != 0 && _sendDuration.Enabled)
        {
            // Refused sends carry no topic: a client could otherwise invent a time series per bad name.
            var tags = errorType is null
                ? new TagList { { BrokerDiagnostics.Destination, topic } }
                : new TagList { { BrokerDiagnostics.ErrorType, errorType } };
            _sendDuration.Record(Stopwatch.GetElapsedTime(startedAt).TotalSeconds, tags);
        }
    }

    /// <summary>Records how long the store took to append a send.</summary>
    public void RecordStore(string topic, long startedAt)
    {
        if (startedAt != 0 && _storeDuration.Enabled)
        {
            _storeDuration.Record(Stopwatch.GetElapsedTime(startedAt).TotalSeconds, new KeyValuePair<string, object?>(BrokerDiagnostics.Destination, topic));
        }
    }

    /// <summary>Counts messages handed to a consumer group: in the store's figures (getTransferedTps), and on the instrument.</summary>
    public void RecordDelivered(string topic, string group, int messages)
    {
        _store.Statistics.RecordGot(messages);
        _messagesOut.Add(messages, new(BrokerDiagnostics.Destination, topic), new(BrokerDiagnostics.ConsumerGroup, group));
    }

    private IEnumerable<Measurement<long>> ObserveConsumerLag()
    {
        var popped = _pop.ConsumeOffsets();
        var poppedKeys = popped.Select(p => p.Key).ToHashSet();
        // A queue a group both pops and pulls from counts once, by its POP progress.
        foreach (var (key, consumeOffset) in popped.Concat(_offsets.All().Where(o => !poppedKeys.Contains(o.Key))))
        {
            var lag = Math.Max(0, _store.GetMaxOffset(key.Topic, key.QueueId) - consumeOffset);
            yield return new Measurement<long>(
                lag,
                new(BrokerDiagnostics.ConsumerGroup, key.Group),
                new(BrokerDiagnostics.Destination, key.Topic),
                new(BrokerDiagnostics.Partition, key.QueueId.ToString(CultureInfo.InvariantCulture)));
        }
    }

    private IEnumerable<Measurement<long>> ObserveDeadLetters()
    {
        foreach (var topic in _topics.All)
        {
            if (!topic.Name.StartsWith(ResourceNames.DeadLetterPrefix, StringComparison.Ordinal))
            {
                continue;
            }

            long size = 0;
            for (var queueId = 0; queueId < topic.QueueCount; queueId++)
            {
                size += _store.GetMaxOffset(topic.Name, queueId) - _store.GetMinOffset(topic.Name, queueId);
            }

            yield return new Measurement<long>(
                size,
                new(BrokerDiagnostics.ConsumerGroup, topic.Name[ResourceNames.DeadLetterPrefix.Length..]),
                new(BrokerDiagnostics.Destination, topic.Name));
        }
    }
}
