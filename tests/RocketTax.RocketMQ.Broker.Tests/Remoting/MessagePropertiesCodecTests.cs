using RocketTax.RocketMQ.Remoting;

namespace RocketTax.RocketMQ.Broker.Tests.Remoting;

/// <summary>A send's <c>properties</c> field: <c>name\u0001value\u0002</c> per property.</summary>
public sealed class MessagePropertiesCodecTests
{
    [Theory]
    [InlineData("KEYS\u0001report-1\u0002TAGS\u00012021S1\u0002WAIT\u0001true\u0002")]
    [InlineData("KEYS\u0001report-1\u0002TAGS\u00012021S1\u0002WAIT\u0001true")]
    public void Reads_every_property_whether_or_not_the_last_one_ends_with_its_separator(string text)
    {
        var properties = MessagePropertiesCodec.Decode(text);

        Assert.Equal(new Dictionary<string, string> { ["KEYS"] = "report-1", ["TAGS"] = "2021S1", ["WAIT"] = "true" }, properties);
    }

    [Fact]
    public void Skips_a_pair_without_a_name_value_separator_and_an_empty_name()
    {
        var properties = MessagePropertiesCodec.Decode("broken\u0002\u0001nameless\u0002UNIQ_KEY\u0001AC11\u0002");

        Assert.Equal(new Dictionary<string, string> { ["UNIQ_KEY"] = "AC11" }, properties);
    }

    [Fact]
    public void Round_trips_what_it_encodes()
    {
        var properties = new Dictionary<string, string> { ["city"] = "杭州", ["DELAY"] = "3", ["empty"] = string.Empty };

        Assert.Equal(properties, MessagePropertiesCodec.Decode(MessagePropertiesCodec.Encode(properties)));
    }
}
