using System.Globalization;

namespace RocketTax.Chaos.Soak;

/// <summary>One reading of a process's footprint: resident memory (<c>VmRSS</c>) and open file handles (<c>/proc/&lt;pid&gt;/fd</c>).</summary>
public sealed record ResourceSample(TimeSpan At, long RssKiB, int OpenFiles)
{
    /// <summary>Reads <paramref name="processId"/>'s footprint from /proc, stamped <paramref name="at"/> into the run.</summary>
    public static ResourceSample Read(int processId, TimeSpan at)
    {
        var rss = File.ReadLines($"/proc/{processId}/status")
            .Where(line => line.StartsWith("VmRSS:", StringComparison.Ordinal))
            .Select(line => long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture))
            .Single();
        return new ResourceSample(at, rss, Directory.GetFileSystemEntries($"/proc/{processId}/fd").Length);
    }

    public string ToCsv() =>
        string.Create(CultureInfo.InvariantCulture, $"{At.TotalSeconds:0.0},{RssKiB},{OpenFiles}");
}
