using RocketTax.RocketMQ.Broker.Store;

namespace RocketTax.RocketMQ.Broker.Tests.Store;

public sealed class TagHashTests
{
    [Theory]
    [InlineData("TagA", 2598919L)]
    [InlineData("abc", 96354L)]
    [InlineData("税务-汇总", -577337714L)]
    [InlineData("a-very-long-tag-that-overflows", -1303177244L)]
    public void Tag_hash_matches_java_string_hash_code_widened_to_long(string tag, long expected) =>
        Assert.Equal(expected, TagHash.Of(tag));

    [Fact]
    public void No_tag_hashes_to_zero()
    {
        Assert.Equal(0, TagHash.Of((string?)null));
        Assert.Equal(0, TagHash.Of(""));
    }
}
