namespace RocketTax.RocketMQ.Broker.Grpc.Transport;

/// <summary>The <c>grpc-timeout</c> request header: up to 8 digits and a unit (H, M, S, m, u, n).</summary>
internal static class GrpcTimeout
{
    /// <summary>The deadline <paramref name="value"/> sets from <paramref name="now"/>; false when it is malformed.</summary>
    public static bool TryParse(ReadOnlySpan<byte> value, DateTime now, out DateTime deadline)
    {
        deadline = DateTime.MaxValue;
        if (value.Length is < 2 or > 9)
        {
            return false;
        }

        long amount = 0;
        foreach (var digit in value[..^1])
        {
            if (digit is < (byte)'0' or > (byte)'9')
            {
                return false;
            }

            amount = (amount * 10) + (digit - '0');
        }

        long? ticks = value[^1] switch
        {
            (byte)'H' => amount * TimeSpan.TicksPerHour,
            (byte)'M' => amount * TimeSpan.TicksPerMinute,
            (byte)'S' => amount * TimeSpan.TicksPerSecond,
            (byte)'m' => amount * TimeSpan.TicksPerMillisecond,
            (byte)'u' => amount * TimeSpan.TicksPerMicrosecond,
            (byte)'n' => amount / 100,
            _ => null,
        };
        if (ticks is not { } timeout)
        {
            return false;
        }

        deadline = timeout >= DateTime.MaxValue.Ticks - now.Ticks ? DateTime.MaxValue : now.AddTicks(timeout);
        return true;
    }
}
