using System.Text;

namespace RocketTax.RocketMQ.Broker.Managers;

/// <summary>
/// The text form of the handles this broker gives clients (receipt and recall handles): fields joined by a
/// separator no name may contain, as base64url, so clients treat them as opaque strings.
/// </summary>
public static class OpaqueHandle
{
    private const char Separator = '\u001f';

    public static string Encode(params string[] fields) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(string.Join(Separator, fields))).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The fields of a handle, or false for anything that is not base64url text of the right shape.</summary>
    public static bool TryDecode(string? value, int maxLength, int fieldCount, string version, out string[] fields)
    {
        fields = [];
        if (string.IsNullOrEmpty(value) || value.Length > maxLength)
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

        fields = text.Split(Separator);
        return fields.Length == fieldCount && fields[0] == version;
    }
}
