using System.Globalization;

namespace RocketTax.Chaos.Soak;

/// <summary>
/// Whether a footprint stayed flat over a soak: the run is cut in thirds (of a 30-minute soak, the first and the
/// last 10 minutes), and the last third is compared to the first, by level (median) and by trend (least-squares
/// slope per minute). The first third holds the warm-up (JIT, pools, GC budgets), so growth there is expected;
/// a leak shows as a last third above the first that is still climbing.
/// </summary>
public sealed record ResourceTrend(string Name, double FirstMedian, double LastMedian, double FirstSlopePerMinute, double LastSlopePerMinute, double Min, double Max)
{
    public double Growth => LastMedian - FirstMedian;

    public static ResourceTrend Of(string name, IReadOnlyList<ResourceSample> samples, Func<ResourceSample, double> value)
    {
        if (samples.Count < 6)
        {
            throw new ArgumentException($"A trend needs at least 6 samples; the soak took {samples.Count}: run it longer or sample more often.", nameof(samples));
        }

        var third = samples.Count / 3;
        var first = samples.Take(third).ToList();
        var last = samples.Skip(samples.Count - third).ToList();
        return new ResourceTrend(name, Median(first, value), Median(last, value), SlopePerMinute(first, value), SlopePerMinute(last, value),
            samples.Min(value), samples.Max(value));
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Name}: first third median {FirstMedian:0}, last third median {LastMedian:0} ({Growth:+0;-0;0}), " +
        $"slope {FirstSlopePerMinute:+0.0;-0.0;0}/min in the first third and {LastSlopePerMinute:+0.0;-0.0;0}/min in the last, min {Min:0}, max {Max:0}");

    private static double Median(List<ResourceSample> samples, Func<ResourceSample, double> value)
    {
        var sorted = samples.Select(value).Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static double SlopePerMinute(List<ResourceSample> samples, Func<ResourceSample, double> value)
    {
        var xs = samples.Select(s => s.At.TotalMinutes).ToList();
        var ys = samples.Select(value).ToList();
        var (meanX, meanY) = (xs.Average(), ys.Average());
        var spread = xs.Sum(x => (x - meanX) * (x - meanX));
        return spread == 0 ? 0 : xs.Zip(ys, (x, y) => (x - meanX) * (y - meanY)).Sum() / spread;
    }
}
