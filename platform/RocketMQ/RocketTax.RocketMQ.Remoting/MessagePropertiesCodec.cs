using System.Collections.Frozen;
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

    // What a 4.x producer's sends carry, message after message: names (and two values) taken from here are not
    // allocated again for each message the broker reads.
    private static readonly FrozenSet<string> Common = FrozenSet.Create(StringComparer.Ordinal,
        "KEYS", "TAGS", "UNIQ_KEY", "WAIT", "DELAY", "TIMER_DELIVER_MS", "__SHARDINGKEY", "TRACE_ON", "MSG_REGION",
        "PGROUP", "TRAN_MSG", "RETRY_TOPIC", "REAL_TOPIC", "REAL_QID", "RECONSUME_TIME", "MAX_RECONSUME_TIMES",
        "CONSUME_START_TIME", "ORIGIN_MESSAGE_ID", "INSTANCE_ID", "true", "false");

    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> CommonBySpan = Common.GetAlternateLookup<ReadOnlySpan<char>>();

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
        var rest = (text ?? string.Empty).AsSpan();
        // Sized once: each property ends with a separator, the last one perhaps not.
        var properties = new Dictionary<string, string>(rest.Count(PropertySeparator) + (rest.EndsWith(PropertySeparator) ? 0 : 1), StringComparer.Ordinal);
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOf(PropertySeparator);
            var pair = end < 0 ? rest : rest[..end];
            rest = end < 0 ? [] : rest[(end + 1)..];
            var separator = pair.IndexOf(NameValueSeparator);
            if (separator > 0)
            {
                properties[Text(pair[..separator])] = Text(pair[(separator + 1)..]);
            }
        }

        return properties;
    }

    private static string Text(ReadOnlySpan<char> span) => CommonBySpan.TryGetValue(span, out var common) ? common : span.ToString();
}
