using System.Collections.Concurrent;

namespace RocketTax.Chaos.Harness;

/// <summary>
/// Records every send the broker acknowledged and every delivery a consumer got, and judges them: an
/// acknowledged message never delivered is lost; a second delivery is a duplicate (at-least-once allows it);
/// within a FIFO message group, a message first delivered after a later-sent one is out of order.
/// </summary>
public sealed class DeliveryChecker
{
    private const int LostSampleSize = 10;

    private readonly ConcurrentDictionary<string, byte> _acknowledged = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _deliveries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _lastInGroup = new(StringComparer.Ordinal);
    private int _outOfOrder;
    private int _consumed;

    /// <summary>The broker answered OK to the send of <paramref name="key"/>.</summary>
    public void Acknowledged(string key) => _acknowledged.TryAdd(key, 0);

    /// <summary>A consumer received <paramref name="key"/>; <paramref name="group"/> and <paramref name="sequence"/> when it belongs to a FIFO message group.</summary>
    public void Delivered(string key, string? group = null, long sequence = 0)
    {
        Interlocked.Increment(ref _consumed);
        var count = _deliveries.AddOrUpdate(key, 1, static (_, n) => n + 1);
        if (group is null || count > 1)
        {
            return;
        }

        var previous = _lastInGroup.AddOrUpdate(group, sequence, (_, last) => Math.Max(last, sequence));
        if (previous != sequence && previous > sequence)
        {
            Interlocked.Increment(ref _outOfOrder);
        }
    }

    /// <summary>Acknowledged sends not delivered yet.</summary>
    public int Missing => _acknowledged.Keys.Count(k => !_deliveries.ContainsKey(k));

    public int AcknowledgedCount => _acknowledged.Count;

    public DeliveryReport Report()
    {
        var lost = _acknowledged.Keys.Where(k => !_deliveries.ContainsKey(k)).ToList();
        return new DeliveryReport(
            _acknowledged.Count,
            Volatile.Read(ref _consumed),
            lost.Count,
            _deliveries.Values.Sum(n => n - 1),
            Volatile.Read(ref _outOfOrder),
            _deliveries.Keys.Count(k => !_acknowledged.ContainsKey(k)),
            lost.Take(LostSampleSize).ToList());
    }
}
