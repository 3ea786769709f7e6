using System.Text;

namespace RocketTax.RocketMQ.Broker.Configuration;

/// <summary>Reads Java-style <c>.properties</c> files, the format of RocketMQ's broker and name server configs.</summary>
public static class PropertiesFile
{
    /// <summary>Parses <paramref name="text"/>; later keys override earlier ones, as in <c>java.util.Properties</c>.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Parse(string text)
    {
        var entries = new List<KeyValuePair<string, string>>();
        var logical = new StringBuilder();
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.TrimEnd('\r');
            var trimmed = logical.Length == 0 ? line.TrimStart() : line.TrimStart();
            if (logical.Length == 0 && (trimmed.Length == 0 || trimmed[0] is '#' or '!'))
            {
                continue;
            }

            // A trailing odd number of backslashes continues the entry on the next line.
            var continues = CountTrailingBackslashes(trimmed) % 2 == 1;
            logical.Append(continues ? trimmed[..^1] : trimmed);
            if (continues)
            {
                continue;
            }

            entries.Add(SplitEntry(logical.ToString()));
            logical.Clear();
        }

        if (logical.Length > 0)
        {
            entries.Add(SplitEntry(logical.ToString()));
        }

        return entries;
    }

    private static int CountTrailingBackslashes(string line)
    {
        var count = 0;
        for (var i = line.Length - 1; i >= 0 && line[i] == '\\'; i--)
        {
            count++;
        }

        return count;
    }

    private static KeyValuePair<string, string> SplitEntry(string entry)
    {
        var separator = -1;
        for (var i = 0; i < entry.Length; i++)
        {
            if (entry[i] == '\\')
            {
                i++;
                continue;
            }

            if (entry[i] is '=' or ':' or ' ' or '\t')
            {
                separator = i;
                break;
            }
        }

        if (separator < 0)
        {
            return new(Unescape(entry), string.Empty);
        }

        var key = entry[..separator];
        var rest = entry[separator..].TrimStart(' ', '\t');
        if (rest.Length > 0 && rest[0] is '=' or ':')
        {
            rest = rest[1..].TrimStart(' ', '\t');
        }

        return new(Unescape(key), Unescape(rest.TrimEnd()));
    }

    private static string Unescape(string value)
    {
        if (!value.Contains('\\'))
        {
            return value;
        }

        var result = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c != '\\' || i == value.Length - 1)
            {
                result.Append(c);
                continue;
            }

            c = value[++i];
            switch (c)
            {
                case 't': result.Append('\t'); break;
                case 'n': result.Append('\n'); break;
                case 'r': result.Append('\r'); break;
                case 'f': result.Append('\f'); break;
                case 'u' when i + 4 < value.Length:
                    result.Append((char)Convert.ToInt32(value.Substring(i + 1, 4), 16));
                    i += 4;
                    break;
                default: result.Append(c); break;
            }
        }

        return result.ToString();
    }
}
