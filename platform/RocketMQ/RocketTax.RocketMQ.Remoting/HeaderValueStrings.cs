using System.Text;

namespace RocketTax.RocketMQ.Remoting;

/// <summary>
/// The header values one connection sent last, field by field. A producer repeats most of a send's header from
/// message to message (its group, the topic, the flags), so a value equal to its field's previous one is taken from
/// here instead of being decoded into a new string per message. One connection's reader uses it, one frame at a time.
/// </summary>
public sealed class HeaderValueStrings
{
    // Bounds what a client inventing field names can make a connection keep.
    private const int MaxFields = 64;

    // The longest value compared and kept: longer ones (a send's properties) change with every message.
    private const int MaxValueBytes = 128;

    private readonly Dictionary<string, string> _last = new(StringComparer.Ordinal);

    // A send's own fields are named a to z: their values sit by letter, without hashing the name.
    private readonly string?[] _lastByLetter = new string?[26];

    /// <summary>The string of <paramref name="utf8"/>, the value of <paramref name="field"/>.</summary>
    public string Get(string field, ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > MaxValueBytes)
        {
            return Encoding.UTF8.GetString(utf8);
        }

        if (field is [>= 'a' and <= 'z'])
        {
            ref var slot = ref _lastByLetter[field[0] - 'a'];
            return slot is not null && Ascii.Equals(utf8, slot) ? slot : slot = Encoding.UTF8.GetString(utf8);
        }

        if (_last.TryGetValue(field, out var last) && Ascii.Equals(utf8, last))
        {
            return last;
        }

        var value = Encoding.UTF8.GetString(utf8);
        if (last is not null || _last.Count < MaxFields)
        {
            _last[field] = value;
        }

        return value;
    }
}
