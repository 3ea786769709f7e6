using System.Globalization;

namespace RocketTax.RocketMQ.Broker.Managers.Timer;

/// <summary>
/// What a delayed message's recall handle (<c>SendResultEntry.recall_handle</c>) encodes: the broker holding
/// it, its offset in the timer queue and its message id. Opaque to clients (base64url text).
/// </summary>
public sealed record RecallHandle(string BrokerName, long TimerOffset, string MessageId)
{
    private const string Version = "t1";

    public string Encode() => OpaqueHandle.Encode(Version, BrokerName, TimerOffset.ToString(CultureInfo.InvariantCulture), MessageId);

    /// <summary>Decodes a handle; false for anything this broker did not issue.</summary>
    public static bool TryDecode(string? value, out RecallHandle handle)
    {
        handle = null!;
        if (!OpaqueHandle.TryDecode(value, 1024, 4, Version, out var parts) || parts[1].Length == 0 || parts[3].Length == 0
            || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
        {
            return false;
        }

        handle = new RecallHandle(parts[1], offset, parts[3]);
        return true;
    }
}
