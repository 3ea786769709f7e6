using System.Text;
using System.Text.Json;
using RocketTax.RocketMQ.Remoting;
using RocketTax.RocketMQ.Remoting.Body;
using RocketTax.RocketMQ.Remoting.FastJson;

namespace RocketTax.RocketMQ.Broker.Tests.Remoting;

/// <summary>
/// Bodies in the JSON RocketMQ's Java side writes with fastjson: maps keyed by queue objects, maps keyed by numbers.
/// The expected texts are written out by hand from RocketMQ's classes (fields in name order, doubles with their
/// <c>.0</c>), not produced by this code.
/// </summary>
public sealed class FastJsonTests
{
    private const string ApacheConsumeStats =
        """{"consumeTps":19.8,"offsetTable":{{"brokerName":"broker-a","queueId":0,"topic":"tax-data-topic"}:{"brokerOffset":12077,"consumerOffset":5110,"lastTimestamp":1700000000000,"pullOffset":5200},{"brokerName":"broker-a","queueId":1,"topic":"tax-data-topic"}:{"brokerOffset":12080,"consumerOffset":5109,"lastTimestamp":1700000000123,"pullOffset":5109}}}""";

    [Fact]
    public void Reads_consume_stats_keyed_by_queue_objects_as_an_Apache_broker_writes_them()
    {
        var stats = Response(ApacheConsumeStats).ReadBody<ConsumeStatsBody>();

        Assert.Equal(19.8, stats.ConsumeTps);
        Assert.Equal(2, stats.OffsetTable.Count);
        var (queue, offsets) = stats.OffsetTable[0];
        Assert.Equal(new MessageQueueKey("broker-a", 0, "tax-data-topic"), queue);
        Assert.Equal(new OffsetWrapper(12077, 5110, 1700000000000, 5200), offsets);
        Assert.Equal((12077 - 5110) + (12080 - 5109), stats.OffsetTable.Sum(e => e.Value.BrokerOffset - e.Value.ConsumerOffset));
    }

    [Fact]
    public void Reads_a_RocketMQ_4_offset_table_without_pull_offsets()
    {
        const string text = """{"consumeTps":0.0,"offsetTable":{{"brokerName":"b","queueId":3,"topic":"T"}:{"brokerOffset":10,"consumerOffset":8,"lastTimestamp":0}}}""";

        var (queue, offsets) = Assert.Single(Response(text).ReadBody<ConsumeStatsBody>().OffsetTable);

        Assert.Equal(new MessageQueueKey("b", 3, "T"), queue);
        Assert.Equal(new OffsetWrapper(10, 8, 0, 0), offsets);
    }

    [Fact]
    public void Writes_consume_stats_exactly_as_fastjson_does()
    {
        var stats = new ConsumeStatsBody
        {
            OffsetTable =
            {
                { new MessageQueueKey("broker-a", 0, "T"), new OffsetWrapper(10, 8, 1700000000000, 8) },
                { new MessageQueueKey("broker-a", 1, "T"), new OffsetWrapper(4, 4, 0, 4) },
            },
        };

        var text = Encoding.UTF8.GetString(RemotingCommand.JsonResponse(new RemotingCommand(), stats).Body!);

        Assert.Equal(
            """{"consumeTps":0.0,"offsetTable":{{"brokerName":"broker-a","queueId":0,"topic":"T"}:{"brokerOffset":10,"consumerOffset":8,"lastTimestamp":1700000000000,"pullOffset":8},{"brokerName":"broker-a","queueId":1,"topic":"T"}:{"brokerOffset":4,"consumerOffset":4,"lastTimestamp":0,"pullOffset":4}}}""",
            text);
    }

    [Fact]
    public void Writes_topic_stats_exactly_as_fastjson_does_and_reads_them_back()
    {
        var stats = new TopicStatsBody { OffsetTable = { { new MessageQueueKey("broker-b", 2, "T"), new TopicOffset(1700000000123, 7, 1) } } };

        var response = RemotingCommand.JsonResponse(new RemotingCommand(), stats);

        Assert.Equal(
            """{"offsetTable":{{"brokerName":"broker-b","queueId":2,"topic":"T"}:{"lastUpdateTimestamp":1700000000123,"maxOffset":7,"minOffset":1}}}""",
            Encoding.UTF8.GetString(response.Body!));
        Assert.Equal(stats.OffsetTable, response.ReadBody<TopicStatsBody>().OffsetTable);
    }

    [Fact]
    public void Round_trips_consume_stats_through_the_object_key_form()
    {
        var stats = new ConsumeStatsBody
        {
            ConsumeTps = 12.5,
            OffsetTable = { { new MessageQueueKey("broker-a", 0, "主题"), new OffsetWrapper(3, 1, 5, 2) }, { new MessageQueueKey("broker-b", 7, "x\"y"), new OffsetWrapper(9, 9, 0, 9) } },
        };

        var read = RemotingCommand.JsonResponse(new RemotingCommand(), stats).ReadBody<ConsumeStatsBody>();

        Assert.Equal(12.5, read.ConsumeTps);
        Assert.Equal(stats.OffsetTable, read.OffsetTable);
    }

    [Fact]
    public void Reads_an_empty_offset_table_which_fastjson_writes_as_an_empty_object()
    {
        var stats = Response("""{"consumeTps":0.0,"offsetTable":{}}""").ReadBody<ConsumeStatsBody>();

        Assert.Empty(stats.OffsetTable);
    }

    [Fact]
    public void Reads_cluster_info_whose_broker_ids_are_bare_number_keys()
    {
        const string text = """{"brokerAddrTable":{"broker-a":{"brokerAddrs":{0:"10.0.0.1:10911",1:"10.0.0.2:10911"},"brokerName":"broker-a","cluster":"DefaultCluster"}},"clusterAddrTable":{"DefaultCluster":["broker-a"]}}""";

        var info = Response(text).ReadBody<ClusterInfo>();

        Assert.Equal("10.0.0.1:10911", info.BrokerAddrTable["broker-a"].BrokerAddrs[0]);
        Assert.Equal("10.0.0.2:10911", info.BrokerAddrTable["broker-a"].BrokerAddrs[1]);
        Assert.Equal(["broker-a"], info.ClusterAddrTable["DefaultCluster"]);
    }

    [Fact]
    public void Reads_standard_JSON_as_itself()
    {
        const string text = """{ "a" : [1, -2.5e3, true, false, null, "t\u00e9\n\"x\"\\/"], "b" : { "c" : {} } }""";

        var node = FastJsonReader.Parse(Encoding.UTF8.GetBytes(text))!;

        Assert.Equal(JsonSerializer.Serialize(JsonDocument.Parse(text).RootElement), node.ToJsonString());
    }

    [Fact]
    public void Turns_object_keys_into_key_value_entries()
    {
        var node = FastJsonReader.Parse("""{{"q":1}:"one",{"q":2}:"two"}"""u8)!;

        Assert.Equal("""[{"key":{"q":1},"value":"one"},{"key":{"q":2},"value":"two"}]""", node.ToJsonString());
    }

    [Theory]
    [InlineData("""{"a":1""", "the text ends early")]
    [InlineData("""{"a" 1}""", "expected ':'")]
    [InlineData("""{"a":1}}""", "unexpected text after the JSON value")]
    [InlineData("""{true:1}""", "expected a map key")]
    [InlineData("""["\q"]""", "an unknown escape")]
    [InlineData("""[nul]""", "expected a JSON value")]
    public void Says_where_malformed_text_goes_wrong(string text, string reason)
    {
        var error = Assert.ThrowsAny<JsonException>(() => FastJsonReader.Parse(Encoding.UTF8.GetBytes(text)));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Contains("at character", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_nesting_deeper_than_64_levels_instead_of_overflowing_the_stack()
    {
        var text = new string('[', 100_000) + new string(']', 100_000);

        var error = Assert.ThrowsAny<JsonException>(() => FastJsonReader.Parse(Encoding.UTF8.GetBytes(text)));

        Assert.Contains("nested deeper than 64", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_body_that_is_neither_JSON_nor_fastjson_is_a_protocol_error()
    {
        var error = Assert.Throws<RemotingProtocolException>(() => Response("""{"consumeTps":0.0,"offsetTable":{{"brokerName":}""").ReadBody<ConsumeStatsBody>());

        Assert.Contains(nameof(ConsumeStatsBody), error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.0, "0.0")]
    [InlineData(2.0, "2.0")]
    [InlineData(19.8, "19.8")]
    [InlineData(double.NaN, "null")]
    public void Writes_a_java_double_with_its_fraction(double value, string expected)
    {
        var options = new JsonSerializerOptions { Converters = { new JavaDoubleConverter() } };

        Assert.Equal(expected, JsonSerializer.Serialize(value, options));
    }

    private static RemotingCommand Response(string body) => new() { Flag = RemotingCommand.ResponseFlag, Body = Encoding.UTF8.GetBytes(body) };
}
