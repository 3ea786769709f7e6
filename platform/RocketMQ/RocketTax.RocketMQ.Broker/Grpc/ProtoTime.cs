using Google.Protobuf.WellKnownTypes;

namespace RocketTax.RocketMQ.Broker.Grpc;

/// <summary>
/// Reads client-supplied durations and timestamps without trusting them: a value that is not normalized
/// (seconds and nanos of opposite signs, nanos past a second) or out of .NET's range is null, so handlers
/// answer a status instead of letting the conversion's exception escape as an unhandled gRPC error.
/// </summary>
public static class ProtoTime
{
    public static TimeSpan? ToTimeSpanOrNull(Duration? duration)
    {
        if (duration is null)
        {
            return null;
        }

        try
        {
            return duration.ToTimeSpan();
        }
        catch (Exception ex) when (ex is InvalidOperationException or OverflowException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    public static DateTimeOffset? ToDateTimeOffsetOrNull(Timestamp? timestamp)
    {
        if (timestamp is null)
        {
            return null;
        }

        try
        {
            return timestamp.ToDateTimeOffset();
        }
        catch (Exception ex) when (ex is InvalidOperationException or OverflowException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }
}
