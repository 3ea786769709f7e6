using System.Text;

namespace RocketTax.RocketMQ.Remoting;

/// <summary>
/// A message's properties as <c>SEND_MESSAGE</c> carries them in its <c>properties</c> header field:
/// <c>name\u0001value\u0002</c> per property, as RocketMQ's <c>MessageDecoder</c> writes them.
/// </summary>
public static class MessagePropertiesCodec
{
    private const char NameValueSeparator = '\u0001';
    private const char PropertySeparator = '\u0002';

    public static string Encode(IEnumerable<KeyValuePair<string, string>> properties)
    {
        var text = new StringBuilder();
        foreach (var (name, value) in properties)
        {
            text.Append(name).Append(NameValueSeparator).Append(value).Append(PropertySeparator);
        }

        return text.ToString();
    }

    /// <summary>Reads the field back; a pair without a separator is skipped, as RocketMQ skips it.</summary>
    public static Dictionary<string, string> Decode(string? text)
    {
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        var rest = (text ?? string.Empty).AsSpan();
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOf(PropertySeparator);
            var pair = end < 0 ? rest : rest[..end];
            rest = end < 0 ? [] : rest[(end + 1)..];
            var separator = pair.IndexOf(NameValueSeparator);
            if (separator > 0)
            {
                properties[pair[..separator].ToString()] = pair[(separator + 1)..].ToString();
            }
        }

        return properties;
    }
}
