using System.Text;

namespace RocketTax.RocketMQ.Remoting;

/// <summary>
/// Header field names as strings: the one-letter names of a 4.x send's header (<c>a</c> to <c>n</c>) come from a
/// table rather than as a dozen new strings per message.
/// </summary>
internal static class HeaderKeys
{
    /// <summary>
    /// Room for the fields of a header of <paramref name="headerBytes"/> at once, guessed at one per 16 bytes: a send's
    /// dozen fields would otherwise have its dictionary reallocated three times on the way, and an answer's three fit
    /// in a small one.
    /// </summary>
    public static int CapacityFor(int headerBytes) => Math.Clamp(headerBytes / 16, 1, 16);

    private static readonly string[] Letters = [.. Enumerable.Range('a', 26).Select(letter => ((char)letter).ToString())];

    public static string Get(ReadOnlySpan<byte> utf8) =>
        utf8.Length == 1 && utf8[0] is >= (byte)'a' and <= (byte)'z' ? Letters[utf8[0] - 'a'] : Encoding.UTF8.GetString(utf8);
}
