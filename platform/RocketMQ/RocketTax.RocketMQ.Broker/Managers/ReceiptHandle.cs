using System.Globalization;
using System.Text;

namespace RocketTax.RocketMQ.Broker.Managers;

/// <summary>
/// What a delivered message's receipt handle encodes: the broker, queue and offset it came from and the
/// pop that handed it out. Opaque to clients (base64url text); a later pop of the same message supersedes it.
/// </summary>
public sealed record ReceiptHandle(string BrokerName, string Topic, int QueueId, long QueueOffset, long PopTime, long InvisibleMillis)
{
    private const string Version = "r1";
    private const char Separator = '\u001f';

    public string Encode()
    {
        var text = string.Join(Separator, Version, BrokerName, Topic,
            QueueId.ToString(CultureInfo.InvariantCulture), QueueOffset.ToString(CultureInfo.InvariantCulture),
            PopTime.ToString(CultureInfo.InvariantCulture), InvisibleMillis.ToString(CultureInfo.InvariantCulture));
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>Decodes a handle; false for anything this broker did not issue.</summary>
    public static bool TryDecode(string? value, out ReceiptHandle handle)
    {
        handle = null!;
        if (string.IsNullOrEmpty(value) || value.Length > 2048)
        {
            return false;
        }

        var base64 = value.Replace('-', '+').Replace('_', '/');
        base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
        var bytes = new byte[base64.Length];
        if (!Convert.TryFromBase64String(base64, bytes, out var written))
        {
            return false;
        }

        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, 0, written);
        }
        catch (DecoderFallbackException)
        {
            return false;
        }

        var parts = text.Split(Separator);
        if (parts.Length != 7 || parts[0] != Version || parts[1].Length == 0 || parts[2].Length == 0
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
