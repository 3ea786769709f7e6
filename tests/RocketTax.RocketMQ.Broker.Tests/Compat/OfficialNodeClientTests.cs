using RocketTax.Testing;

namespace RocketTax.RocketMQ.Broker.Tests.Compat;

/// <summary>
/// The official Apache RocketMQ Node.js client (rocketmq-client-nodejs 1.0.8) against a real broker process:
/// the seed scenario of a city tax office reporting quarterly figures on <c>tax-data-topic</c>.
/// </summary>
public sealed class OfficialNodeClientTests
{
    private const int TestTimeoutMs = 240_000;
    private const string Topic = "tax-data-topic";
    private const string FirstQuarter = "2021S1";
    private const string SecondQuarter = "2021S2";
    private const string FirstQuarterBody = """{"title":"X市2021年度第一季度税务汇总数据"}""";
    private const string SecondQuarterBody = """{"title":"X市2021年度第二季度税务汇总数据"}""";

    [Fact(Timeout = TestTimeoutMs)]
    public async Task Simple_consumer_receives_100_messages_intact_and_acked_messages_are_not_redelivered()
    {
        var ct = TestContext.Current.CancellationToken;
        var node = NodeCompat.Require();
        await using var broker = await BrokerProcess.StartNewAsync(new BrokerOptions(), ct);

        var sent = await node.ProduceAsync(
            new ProduceArgs(broker.GrpcEndpoint, Topic, FirstQuarter, FirstQuarterBody, Count: 100,
                Keys: ["tax-2021S1-{i}", "X市-2021Q1"],
                Properties: new Dictionary<string, string> { ["city"] = "X市", ["seq"] = "{i}" }),
            ct);
        Assert.Equal(100, sent.Select(s => s.MessageId).Distinct().Count());

        // Three seconds of invisibility: long enough to ack a batch on a busy CI machine, short enough for the
        // second run to outlast it.
        var consumed = await node.ConsumeAsync(
            new ConsumeArgs(broker.GrpcEndpoint, "tax-province-group", Topic, "*", Count: 100,
                InvisibleSeconds: 3, Ack: true, MaxSeconds: 60),
            ct);

        Assert.Equal(sent.Select(s => s.MessageId).Order(), consumed.Messages.Select(m => m.MessageId).Order());
        Assert.All(consumed.Messages, message =>
        {
            var seq = message.Properties["seq"];
            Assert.Equal(Topic, message.Topic);
            Assert.Equal(FirstQuarter, message.Tag);
            Assert.Equal(FirstQuarterBody, message.Body);
            Assert.False(message.Corrupted, $"body digest mismatch on {message.MessageId}");
            Assert.Equivalent(new[] { "tax-2021S1-" + seq, "X市-2021Q1" }, message.Keys, strict: true);
            Assert.Equal("X市", message.Properties["city"]);
            Assert.Equal(1, message.DeliveryAttempt);
        });
        Assert.Equal(100, consumed.Summary.Acked);

        // Keeps polling well past the invisible duration: an ignored ack would have made the messages visible again.
        var afterAck = await node.ConsumeAsync(
            new ConsumeArgs(broker.GrpcEndpoint, "tax-province-group", Topic, "*", Count: 100,
                InvisibleSeconds: 3, Ack: true, MaxSeconds: 8, AwaitSeconds: 2),
            ct);

        Assert.Empty(afterAck.Messages);
        Assert.True(afterAck.Summary.ElapsedMs >= 8_000, $"the second consumer gave up after {afterAck.Summary.ElapsedMs} ms");
    }

    [Fact(Timeout = TestTimeoutMs)]
    public async Task Unacked_message_is_redelivered_after_its_invisible_duration_with_delivery_attempt_2()
    {
        var ct = TestContext.Current.CancellationToken;
        var node = NodeCompat.Require();
        await using var broker = await BrokerProcess.StartNewAsync(new BrokerOptions(), ct);
        var sent = Assert.Single(await node.ProduceAsync(
            new ProduceArgs(broker.GrpcEndpoint, Topic, FirstQuarter, FirstQuarterBody, Count: 1, Keys: ["tax-2021S1-redelivery"]),
            ct));

        var firstDelivery = Assert.Single((await node.ConsumeAsync(
            new ConsumeArgs(broker.GrpcEndpoint, "tax-retry-group", Topic, "*", Count: 1,
                InvisibleSeconds: 2, Ack: false, MaxSeconds: 30),
            ct)).Messages);
        var secondDelivery = Assert.Single((await node.ConsumeAsync(
            new ConsumeArgs(broker.GrpcEndpoint, "tax-retry-group", Topic, "*", Count: 1,
                InvisibleSeconds: 30, Ack: true, MaxSeconds: 40),
            ct)).Messages);

        Assert.Equal(sent.MessageId, firstDelivery.MessageId);
        Assert.Equal(1, firstDelivery.DeliveryAttempt);
        Assert.Equal(sent.MessageId, secondDelivery.MessageId);
        Assert.Equal(2, secondDelivery.DeliveryAttempt);
        Assert.Equal(FirstQuarterBody, secondDelivery.Body);
        Assert.Equal(FirstQuarter, secondDelivery.Tag);
        Assert.Equal(["tax-2021S1-redelivery"], secondDelivery.Keys);
        // The broker stamps the pop a moment before the client stamps the receipt, hence the small allowance.
        var hiddenFor = secondDelivery.ReceivedAt - firstDelivery.ReceivedAt;
        Assert.True(hiddenFor >= 1_800, $"redelivered after {hiddenFor} ms, before the 2 s invisible duration ended");
    }

    [Fact(Timeout = TestTimeoutMs)]
    public async Task Consumer_filtering_2021S2_receives_none_of_the_2021S1_messages()
    {
        var ct = TestContext.Current.CancellationToken;
        var node = NodeCompat.Require();
        await using var broker = await BrokerProcess.StartNewAsync(new BrokerOptions(), ct);
        await node.ProduceAsync(
            new ProduceArgs(broker.GrpcEndpoint, Topic, FirstQuarter, FirstQuarterBody, Count: 20), ct);
        var secondQuarter = Assert.Single(await node.ProduceAsync(
            new ProduceArgs(broker.GrpcEndpoint, Topic, SecondQuarter, SecondQuarterBody, Count: 1), ct));

        // Asks for all 21 and keeps polling for 8 s, so any 2021S1 message leaking through the filter shows up.
        var consumed = await node.ConsumeAsync(
            new ConsumeArgs(broker.GrpcEndpoint, "tax-2021S2-group", Topic, SecondQuarter, Count: 21,
                InvisibleSeconds: 30, Ack: true, MaxSeconds: 8, AwaitSeconds: 2),
            ct);

        var only = Assert.Single(consumed.Messages);
        Assert.Equal(secondQuarter.MessageId, only.MessageId);
        Assert.Equal(SecondQuarter, only.Tag);
        Assert.Equal(SecondQuarterBody, only.Body);
    }
}
