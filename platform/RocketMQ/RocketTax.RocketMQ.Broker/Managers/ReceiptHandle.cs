using System.Globalization;

namespace RocketTax.RocketMQ.Broker.Managers;

/// <summary>
/// What a delivered message's receipt handle encodes: the broker, queue and offset it came from and the
/// pop that handed it out. Opaque to clients (base64url text); a later pop of the same message supersedes it.
/// </summary>
public sealed record ReceiptHandle(string BrokerName, string Topic, int QueueId, long QueueOffset, long PopTime, long InvisibleMillis)
{
    private const string Version = "r1";

    public string Encode() => OpaqueHandle.Encode(
        Version, BrokerName, Topic, QueueId.ToString(CultureInfo.InvariantCulture), QueueOffset.ToString(CultureInfo.InvariantCulture),
        PopTime.ToString(CultureInfo.InvariantCulture), InvisibleMillis.ToString(CultureInfo.InvariantCulture));

    /// <summary>Decodes a handle; false for anything this broker did not issue.</summary>
    public static bool TryDecode(string? value, out ReceiptHandle handle)
    {
        handle = null!;
        if (!OpaqueHandle.TryDecode(value, 2048, 7, Version, out var parts) || parts[1].Length == 0 || parts[2].Length == 0
            || !int.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var queueId)
            || !long.TryParse(parts[4], NumberStyles.None, CultureInfo.InvariantCulture, out var offset)
            || !long.TryParse(parts[5], NumberStyles.None, CultureInfo.InvariantCulture, out var popTime)
            || !long.TryParse(parts[6], NumberStyles.None, CultureInfo.InvariantCulture, out var invisible))
        {
            return false;
        }

        handle = new ReceiptHandle(parts[1], parts[2], queueId, offset, popTime, invisible);
        return true;
    }
}
