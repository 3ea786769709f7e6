using System.Text;

namespace RocketTax.RocketMQ.Http2;

/// <summary>The 61 fields every HPACK peer knows by index (RFC 7541, appendix A), index 1 first.</summary>
internal static class HpackStaticTable
{
    public const int Count = 61;

    private static readonly (byte[] Name, byte[] Value)[] Entries = Build(
        (":authority", ""), (":method", "GET"), (":method", "POST"), (":path", "/"), (":path", "/index.html"),
        (":scheme", "http"), (":scheme", "https"), (":status", "200"), (":status", "204"), (":status", "206"),
        (":status", "304"), (":status", "400"), (":status", "404"), (":status", "500"), ("accept-charset", ""),
        ("accept-encoding", "gzip, deflate"), ("accept-language", ""), ("accept-ranges", ""), ("accept", ""),
        ("access-control-allow-origin", ""), ("age", ""), ("allow", ""), ("authorization", ""), ("cache-control", ""),
        ("content-disposition", ""), ("content-encoding", ""), ("content-language", ""), ("content-length", ""),
        ("content-location", ""), ("content-range", ""), ("content-type", ""), ("cookie", ""), ("date", ""), ("etag", ""),
        ("expect", ""), ("expires", ""), ("from", ""), ("host", ""), ("if-match", ""), ("if-modified-since", ""),
        ("if-none-match", ""), ("if-range", ""), ("if-unmodified-since", ""), ("last-modified", ""), ("link", ""),
        ("location", ""), ("max-forwards", ""), ("proxy-authenticate", ""), ("proxy-authorization", ""), ("range", ""),
        ("referer", ""), ("refresh", ""), ("retry-after", ""), ("server", ""), ("set-cookie", ""),
        ("strict-transport-security", ""), ("transfer-encoding", ""), ("user-agent", ""), ("vary", ""), ("via", ""),
        ("www-authenticate", ""));

    // Indices (0-based) by name length, so a lookup compares only names that can match: encoders look up every field they send.
    private static readonly int[][] ByNameLength = [.. Enumerable.Range(0, Entries.Max(e => e.Name.Length) + 1)
        .Select(length => Enumerable.Range(0, Entries.Length).Where(i => Entries[i].Name.Length == length).ToArray())];

    /// <summary>The field at a 1-based index.</summary>
    public static (byte[] Name, byte[] Value) Get(int index) => Entries[index - 1];

    /// <summary>The index of the exact field, else 0; <paramref name="nameIndex"/> is the first index with that name, else 0.</summary>
    public static int Find(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value, out int nameIndex)
    {
        nameIndex = 0;
        if (name.Length >= ByNameLength.Length)
        {
            return 0;
        }

        foreach (var i in ByNameLength[name.Length])
        {
            if (!name.SequenceEqual(Entries[i].Name))
            {
                continue;
            }

            if (nameIndex == 0)
            {
                nameIndex = i + 1;
            }

            if (value.SequenceEqual(Entries[i].Value))
            {
                return i + 1;
            }
        }

        return 0;
    }

    private static (byte[] Name, byte[] Value)[] Build(params (string Name, string Value)[] fields) =>
        [.. fields.Select(f => (Encoding.ASCII.GetBytes(f.Name), Encoding.ASCII.GetBytes(f.Value)))];
}
