using System.Diagnostics;

namespace RocketTax.Bench;

/// <summary>Collects latencies (in <see cref="Stopwatch"/> ticks) from many threads and reads percentiles in milliseconds.</summary>
public sealed class LatencyRecorder(int capacity)
{
    private readonly long[] _ticks = new long[capacity];
    private int _count;

    public int Count => Math.Min(Volatile.Read(ref _count), _ticks.Length);

    public void Record(long ticks)
    {
        var index = Interlocked.Increment(ref _count) - 1;
        if (index < _ticks.Length)
        {
            _ticks[index] = ticks;
        }
    }

    /// <summary>p50, p99 and p99.9 in milliseconds.</summary>
    public (double P50, double P99, double P999) Percentiles()
    {
        var sorted = _ticks.AsSpan(0, Count).ToArray();
        Array.Sort(sorted);
        double At(double p) => sorted.Length == 0 ? 0 : sorted[(int)Math.Min(sorted.Length - 1, p * sorted.Length)] * 1000.0 / Stopwatch.Frequency;
        return (At(0.50), At(0.99), At(0.999));
    }
}
