using RocketTax.RocketMQ.Broker.Managers.Filtering;
using RocketTax.RocketMQ.Broker.Store;

namespace RocketTax.RocketMQ.Broker.Managers;

/// <summary>A parsed TAG filter expression: <c>*</c> (everything) or <c>a||b||c</c>.</summary>
public sealed class TagFilter : IMessageFilter
{
    private readonly HashSet<string>? _tags;
    private readonly HashSet<long>? _hashes;

    private TagFilter(HashSet<string>? tags)
    {
        _tags = tags;
        _hashes = tags?.Select(TagHash.Of).ToHashSet();
    }

    public static TagFilter All { get; } = new(null);

    public string Expression => _tags is null ? "*" : string.Join("||", _tags);

    /// <summary>Parses a TAG expression; returns false with a reason for a malformed one.</summary>
    public static bool TryParse(string? expression, out TagFilter filter, out string? error)
    {
        filter = All;
        error = null;
        var trimmed = expression?.Trim();
        if (string.IsNullOrEmpty(trimmed) || trimmed == "*")
        {
            return true;
        }

        var tags = new HashSet<string>(StringComparer.Ordinal);
        foreach (var part in trimmed.Split("||"))
        {
            var tag = part.Trim();
            if (tag.Length == 0 || tag.Contains('|') || tag == "*")
            {
                error = $"the tag expression '{expression}' is malformed: use '*' or tags separated by '||', e.g. 'TagA||TagB'";
                return false;
            }

            tags.Add(tag);
        }

        filter = new TagFilter(tags);
        return true;
    }

    /// <summary>A cheap first check on the consume-queue entry's tag hash; a hash match still needs <see cref="Matches"/>.</summary>
    public bool MayMatch(long tagHashCode) => _hashes is null || _hashes.Contains(tagHashCode);

    public bool Matches(string? tag) => _tags is null || (tag is not null && _tags.Contains(tag));

    public bool Matches(StoredMessage message) => Matches(message.Tag);
}
