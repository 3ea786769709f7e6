using System.Globalization;

namespace RocketTax.Bench;

/// <summary>Reads a broker process's resource use from /proc, so ours and the peers are measured alike.</summary>
public sealed class ProcessResources(int processId)
{
    /// <summary>Peak resident set size (VmHWM).</summary>
    public long PeakRssBytes() => StatusBytes("VmHWM:");

    /// <summary>Resident set size now (VmRSS).</summary>
    public long RssBytes() => StatusBytes("VmRSS:");

    /// <summary>User + system CPU time the process has used.</summary>
    public double CpuSeconds()
    {
        var stat = File.ReadAllText($"/proc/{processId}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return ticks / 100.0;
    }

    private long StatusBytes(string field)
    {
        foreach (var line in File.ReadLines($"/proc/{processId}/status"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
            }
        }

        return 0;
    }
}
