using System.Text;
using System.Text.Json;
using RocketTax.Testing;

namespace RocketTax.RocketMQ.Client.Tests;

/// <summary>Our client and the official Apache RocketMQ Node.js client, each reading what the other wrote.</summary>
public sealed class NodeInteropTests(ClientBrokerFixture fixture) : IClassFixture<ClientBrokerFixture>
{
    private const string Body = """{"title":"X市2021年度第一季度税务汇总数据"}""";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 180_000)]
    public async Task Message_sent_by_our_producer_is_received_intact_by_the_official_node_client()
    {
        var node = NodeCompat.Require();
        const string topic = "interop-to-node-topic";
        await using var producer = new Producer(Clients.Producer(fixture.Endpoint));
        var sent = await producer.SendAsync(new Message(topic, Body)
        {
            Tag = "2021S1",
            Keys = ["tax-2021S1-1", "X市-2021Q1"],
            Properties = new Dictionary<string, string> { ["city"] = "X市" },
        }, Ct);

        var result = await node.RunAsync("consume.mjs", new
        {
            endpoints = fixture.Endpoint, group = "node-interop-group", topic, filter = "2021S1",
            count = 1, invisibleSeconds = 30, ack = true, maxSeconds = 60,
        }, TimeSpan.FromSeconds(130), Ct);

        var message = Assert.Single(result.Values<JsonElement>("message"));
        Assert.Equal(sent.MessageId, message.GetProperty("messageId").GetString());
        Assert.Equal(Body, message.GetProperty("body").GetString());
        Assert.Equal("2021S1", message.GetProperty("tag").GetString());
        Assert.Equal(["tax-2021S1-1", "X市-2021Q1"], message.GetProperty("keys").EnumerateArray().Select(k => k.GetString()));
        Assert.Equal("X市", message.GetProperty("properties").GetProperty("city").GetString());
        Assert.False(message.GetProperty("corrupted").GetBoolean());
    }

    [Fact(Timeout = 180_000)]
    public async Task Message_sent_by_the_official_node_client_is_received_intact_by_our_consumer()
    {
        var node = NodeCompat.Require();
        const string topic = "interop-from-node-topic";
        var result = await node.RunAsync("produce.mjs", new
        {
            endpoints = fixture.Endpoint, topic, tag = "2021S1", body = Body, count = 1,
            keys = new[] { "tax-2021S1-{i}", "X市-2021Q1" },
            properties = new Dictionary<string, string> { ["city"] = "X市", ["seq"] = "{i}" },
        }, TimeSpan.FromSeconds(70), Ct);
        var sentId = Assert.Single(result.Single<JsonElement>("sent").EnumerateArray()).GetProperty("messageId").GetString();

        await using var consumer = new SimpleConsumer(Clients.Simple(fixture.Endpoint, "from-node-group", topic, "2021S1"));
        var received = Assert.Single(await Clients.ReceiveAtLeastAsync(consumer, 1, TimeSpan.FromSeconds(30), ack: true, Ct));

        Assert.Equal(sentId, received.MessageId);
        Assert.Equal(Body, Encoding.UTF8.GetString(received.Body.Span));
        Assert.Equal("2021S1", received.Tag);
        Assert.Equal(["tax-2021S1-0", "X市-2021Q1"], received.Keys);
        Assert.Equal("X市", received.Properties["city"]);
        Assert.Equal("0", received.Properties["seq"]);
    }
}
