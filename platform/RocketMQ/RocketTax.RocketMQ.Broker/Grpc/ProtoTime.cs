using Google.Protobuf.WellKnownTypes;

namespace RocketTax.RocketMQ.Broker.Grpc;

/// <summary>
/// Reads client-supplied durations and timestamps without trusting them: a value that is not normalized
/// (seconds and nanos of opposite signs, nanos past a second) or out of .NET's range is null, so handlers
/// answer a status instead of letting the conversion's exception escape as an unhandled gRPC error.
/// </summary>
public static class ProtoTime
{
    public static TimeSpan? ToTimeSpanOrNull(Duration? duration) => duration is null ? null : Read(duration.ToTimeSpan);

    public static DateTimeOffset? ToDateTimeOffsetOrNull(Timestamp? timestamp) => timestamp is null ? null : Read(timestamp.ToDateTimeOffset);

    private static T? Read<T>(Func<T> convert)
        where T : struct
    {
        try
        {
            return convert();
        }
        catch (Exception ex) when (ex is InvalidOperationException or OverflowException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }
}
