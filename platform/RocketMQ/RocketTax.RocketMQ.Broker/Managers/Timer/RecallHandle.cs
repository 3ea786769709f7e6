using System.Globalization;
using System.Text;

namespace RocketTax.RocketMQ.Broker.Managers.Timer;

/// <summary>
/// What a delayed message's recall handle (<c>SendResultEntry.recall_handle</c>) encodes: the broker holding
/// it, its offset in the timer queue and its message id. Opaque to clients (base64url text).
/// </summary>
public sealed record RecallHandle(string BrokerName, long TimerOffset, string MessageId)
{
    private const string Version = "t1";
    private const char Separator = '\u001f';

    public string Encode()
    {
        var text = string.Join(Separator, Version, BrokerName, TimerOffset.ToString(CultureInfo.InvariantCulture), MessageId);
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>Decodes a handle; false for anything this broker did not issue.</summary>
    public static bool TryDecode(string? value, out RecallHandle handle)
    {
        handle = null!;
        if (string.IsNullOrEmpty(value) || value.Length > 1024)
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
        if (parts.Length != 4 || parts[0] != Version || parts[1].Length == 0 || parts[3].Length == 0
            || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
        {
            return false;
        }

        handle = new RecallHandle(parts[1], offset, parts[3]);
        return true;
    }
}
