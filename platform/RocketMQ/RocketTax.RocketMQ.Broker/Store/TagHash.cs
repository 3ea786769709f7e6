namespace RocketTax.RocketMQ.Broker.Store;

/// <summary>The tag hash code RocketMQ stores in each consume-queue entry, so brokers filter by tag without reading the commit log.</summary>
public static class TagHash
{
    /// <summary>Java's <c>String.hashCode()</c> of the tag widened to long, as RocketMQ's <c>tagsString2tagsCode</c>; 0 for no tag.</summary>
    public static long Of(string? tag) => tag is null ? 0 : Of(tag.AsSpan());

    /// <summary>Java's <c>String.hashCode()</c> over UTF-16 code units, widened to long; 0 for an empty tag.</summary>
    public static long Of(ReadOnlySpan<char> tag)
    {
        // Java sums UTF-16 code units with int overflow; matching it keeps tag codes identical to a Java broker's.
        var hash = 0;
        foreach (var c in tag)
        {
            hash = unchecked((31 * hash) + c);
        }

        return hash;
    }
}
