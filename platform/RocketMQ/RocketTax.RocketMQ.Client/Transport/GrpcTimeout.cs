using System.Buffers.Text;

namespace RocketTax.RocketMQ.Client.Transport;

/// <summary>The <c>grpc-timeout</c> header: at most 8 digits and a unit, so the server can give up when the client will.</summary>
internal static class GrpcTimeout
{
    private const long MaxValue = 99_999_999;

    /// <summary>Writes the remaining time, rounded up to the coarsest unit that keeps 8 digits; returns the bytes written.</summary>
    public static int Format(TimeSpan remaining, Span<byte> destination)
    {
        var ticks = Math.Max(remaining.Ticks, 0);
        ReadOnlySpan<(long TicksPerUnit, byte Unit)> units =
        [
            (TimeSpan.TicksPerMillisecond / 1000, (byte)'u'),
            (TimeSpan.TicksPerMillisecond, (byte)'m'),
            (TimeSpan.TicksPerSecond, (byte)'S'),
            (TimeSpan.TicksPerMinute, (byte)'M'),
            (TimeSpan.TicksPerHour, (byte)'H'),
        ];
        foreach (var (perUnit, unit) in units)
        {
            var value = (ticks + perUnit - 1) / perUnit;
            if (value <= MaxValue)
            {
                Utf8Formatter.TryFormat(value, destination, out var written);
                destination[written] = unit;
                return written + 1;
            }
        }

        Utf8Formatter.TryFormat(MaxValue, destination, out var max);
        destination[max] = (byte)'H';
        return max + 1;
    }
}
