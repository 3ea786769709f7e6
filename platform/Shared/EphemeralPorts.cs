using System.Globalization;

namespace RocketTax.Ports;

/// <summary>
/// Where the OS's ephemeral port range starts: the range it draws every outgoing connection's local port from, so a
/// port chosen now for a process that binds it seconds later is safe from that race only below it. Shared as source by
/// the hosting integration and the test library, which have no library in common that should own it.
/// </summary>
internal static class EphemeralPorts
{
    public const string RangeFile = "/proc/sys/net/ipv4/ip_local_port_range";

    /// <summary>The first port of the range, or null where the OS does not say (no <see cref="RangeFile"/>, or not readable as a range).</summary>
    public static int? RangeStart()
    {
        try
        {
            return Parse(File.ReadAllText(RangeFile));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The first port of <see cref="RangeFile"/>'s text (<c>"32768\t60999\n"</c>), or null when it is not a number.</summary>
    public static int? Parse(string range)
    {
        var first = range.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        return int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var start) ? start : null;
    }
}
