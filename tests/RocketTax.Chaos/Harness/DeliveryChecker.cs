using System.Collections.Concurrent;
using RocketTax.RocketMQ.Client;

namespace RocketTax.Chaos.Harness;

/// <summary>
/// Records every send the broker acknowledged and every delivery a consumer got, and judges them: an
/// acknowledged message never delivered is lost; a second delivery is a duplicate (at-least-once allows it);
/// within a FIFO message group, an acknowledged message first delivered after a later-sent acknowledged one is
/// out of order. Order is judged among acknowledged sends only: a send the producer saw fail promises no place
/// in its group (the broker may still store it, late), and it is judged at report time because a consumer can
/// see a message before its producer sees the acknowledgement.
/// </summary>
public sealed class DeliveryChecker
{
    private const int SampleSize = 10;

    private readonly ConcurrentDictionary<string, SendReceipt?> _acknowledged = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _givenUp = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _deliveries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentQueue<FirstDelivery>> _groups = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Topic, string BrokerName, int QueueId, long Offset), ConcurrentQueue<string>> _deliveredAt = new();
    private int _consumed;

    /// <summary>The broker answered OK to the send of <paramref name="key"/>; <paramref name="receipt"/> says where it was stored, for the report of a loss.</summary>
    public void Acknowledged(string key, SendReceipt? receipt = null) => _acknowledged.TryAdd(key, receipt);

    /// <summary>
    /// The producer stopped waiting for the send of <paramref name="key"/>: it failed, or was cut off when producing
    /// stopped. The broker may still have stored it, so its delivery is explained; any other unacknowledged delivery is not.
    /// </summary>
    public void GaveUp(string key) => _givenUp.TryAdd(key, 0);

    /// <summary>
    /// A consumer received <paramref name="key"/>; <paramref name="group"/> and <paramref name="sequence"/> when it
    /// belongs to a FIFO message group, <paramref name="via"/> (which consumer, queue, offset, attempt) for the report,
    /// <paramref name="at"/> when the consumer took it, if it is another process that reported it later, and
    /// <paramref name="position"/> (topic, broker, queue and offset) where it came from, when the consumer knows it.
    /// </summary>
    public void Delivered(
        string key, string? group = null, long sequence = 0, string via = "", DateTime? at = null, (string Topic, string BrokerName, int QueueId, long Offset)? position = null)
    {
        Interlocked.Increment(ref _consumed);
        if (position is { } p)
        {
            _deliveredAt.GetOrAdd(p, static _ => new()).Enqueue(key);
        }

        var count = _deliveries.AddOrUpdate(key, 1, static (_, n) => n + 1);
        if (group is not null && count == 1)
        {
            _groups.GetOrAdd(group, static _ => new()).Enqueue(new FirstDelivery(key, sequence, via, at ?? DateTime.UtcNow));
        }
    }

    /// <summary>Whether a consumer has received <paramref name="key"/> (and, for the process consumer, acked it).</summary>
    public bool WasDelivered(string key) => _deliveries.ContainsKey(key);

    /// <summary>Acknowledged sends not delivered yet.</summary>
    public int Missing => _acknowledged.Keys.Count(k => !_deliveries.ContainsKey(k));

    public int AcknowledgedCount => _acknowledged.Count;

    public DeliveryReport Report()
    {
        var lost = _acknowledged.Where(a => !_deliveries.ContainsKey(a.Key)).Select(a => Describe(a.Key, a.Value)).ToList();
        var outOfOrder = OutOfOrder().ToList();
        return new DeliveryReport(
            _acknowledged.Count,
            Volatile.Read(ref _consumed),
            lost.Count,
            _deliveries.Values.Sum(n => n - 1),
            outOfOrder.Count,
            _deliveries.Keys.Count(k => !_acknowledged.ContainsKey(k)),
            [.. _deliveries.Keys.Where(k => !_acknowledged.ContainsKey(k) && !_givenUp.ContainsKey(k)).Take(SampleSize).Select(DeliveredFrom)],
            lost.Take(SampleSize).ToList(),
            outOfOrder.Take(SampleSize).ToList());
    }

    /// <summary>
    /// A lost message with where its receipt put it and what was delivered from that broker's queue offset instead:
    /// another key there means the offset was handed out twice, nothing means it was never handed out.
    /// </summary>
    private string Describe(string key, SendReceipt? receipt)
    {
        if (receipt is null)
        {
            return key;
        }

        var there = _deliveredAt.TryGetValue((receipt.Topic, receipt.BrokerName, receipt.QueueId, receipt.Offset), out var keys) ? string.Join(" ", keys) : "nothing";
        var position = $"{receipt.BrokerName} queue {receipt.QueueId}@{receipt.Offset}";
        return $"{key} (id {receipt.MessageId}, {position}; delivered from {position}: {there})";
    }

    /// <summary>A key with the positions it was delivered from: one the producer never sent under that key shows where it came from.</summary>
    private string DeliveredFrom(string key)
    {
        var positions = _deliveredAt.Where(p => p.Value.Contains(key)).Select(p => $"{p.Key.BrokerName} {p.Key.Topic} queue {p.Key.QueueId}@{p.Key.Offset}");
        return $"{key} (from {string.Join(" and ", positions.DefaultIfEmpty("an unknown position"))})";
    }

    /// <summary>Each acknowledged first delivery that came after a higher sequence of its group, with when, to line it up with the run's faults.</summary>
    private IEnumerable<string> OutOfOrder()
    {
        foreach (var (group, deliveries) in _groups)
        {
            FirstDelivery? highest = null;
            // By when each was taken, not when it was recorded: a consumer process reports its work through a pipe, late.
            foreach (var delivery in deliveries.Where(d => _acknowledged.ContainsKey(d.Key)).OrderBy(d => d.At))
            {
                if (highest is not null && delivery.Sequence < highest.Sequence)
                {
                    yield return $"{group} #{delivery.Sequence} ({delivery.Via} at {delivery.At:HH:mm:ss.fff}) after #{highest.Sequence} ({highest.Via} at {highest.At:HH:mm:ss.fff})";
                }

                highest = highest is null || delivery.Sequence > highest.Sequence ? delivery : highest;
            }
        }
    }

    private sealed record FirstDelivery(string Key, long Sequence, string Via, DateTime At);
}
