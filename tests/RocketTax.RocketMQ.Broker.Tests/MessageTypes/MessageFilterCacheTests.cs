using System.Globalization;
using RocketTax.RocketMQ.Broker.Managers;
using RocketTax.RocketMQ.Broker.Managers.Filtering;

namespace RocketTax.RocketMQ.Broker.Tests.MessageTypes;

/// <summary>
/// Parsed filters are kept by expression type and text, so an expression sent with every pull is parsed once; a malformed
/// one is refused every time and not kept, and the number kept is bounded.
/// </summary>
public sealed class MessageFilterCacheTests
{
    private readonly MessageFilterCache _cache = new();

    [Fact]
    public void The_same_expression_gives_the_filter_parsed_the_first_time_and_the_type_is_part_of_the_key()
    {
        var first = Parse("region = 'east'", sql: true);
        var again = Parse("region = 'east'", sql: true);
        var tags = Parse("TagA||TagB", sql: false);

        Assert.Same(first, again);
        Assert.IsType<SqlFilter>(first);
        Assert.IsType<TagFilter>(tags);
        Assert.Same(tags, Parse("TagA||TagB", sql: false));
        Assert.Equal(2, _cache.Count);
    }

    [Fact]
    public void A_malformed_expression_is_refused_with_its_reason_each_time_and_not_kept()
    {
        for (var i = 0; i < 2; i++)
        {
            Assert.False(_cache.TryParse("TagA|||", sql: false, out _, out var error));
            Assert.Contains("malformed", error, StringComparison.Ordinal);
        }

        Assert.Equal(0, _cache.Count);
    }

    [Fact]
    public void Past_its_capacity_a_new_expression_is_parsed_each_time_and_the_kept_ones_stay()
    {
        var kept = Parse("Tag0", sql: false);
        for (var i = 1; i < MessageFilterCache.Capacity; i++)
        {
            Parse(Tag(i), sql: false);
        }

        var beyond = Assert.IsType<TagFilter>(Parse("TagBeyond", sql: false));

        Assert.Equal(MessageFilterCache.Capacity, _cache.Count);
        Assert.True(beyond.Matches("TagBeyond") && !beyond.Matches("Tag0"));
        Assert.NotSame(beyond, Parse("TagBeyond", sql: false));
        Assert.Same(kept, Parse("Tag0", sql: false));
    }

    private IMessageFilter Parse(string expression, bool sql)
    {
        Assert.True(_cache.TryParse(expression, sql, out var filter, out var error), error);
        return filter;
    }

    private static string Tag(int i) => "Tag" + i.ToString(CultureInfo.InvariantCulture);
}
