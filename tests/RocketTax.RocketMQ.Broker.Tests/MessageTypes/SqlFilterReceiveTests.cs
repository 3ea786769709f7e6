using Apache.Rocketmq.V2;
using RocketTax.RocketMQ.Broker.Tests.Messaging;

namespace RocketTax.RocketMQ.Broker.Tests.MessageTypes;

/// <summary>SQL92 filters evaluated by the broker on receive.</summary>
public sealed class SqlFilterReceiveTests(MessageTypesBrokerFixture fixture) : IClassFixture<MessageTypesBrokerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_SQL_filter_delivers_only_messages_whose_properties_match()
    {
        using var client = new RawBrokerClient(fixture.Broker.GrpcEndpoint);
        foreach (var (body, city, amount, tag) in new[] { ("x-big", "X", "500", "2021S1"), ("x-small", "X", "50", "2021S1"), ("y-big", "Y", "900", "2021S1"), ("x-big-s2", "X", "700", "2021S2") })
        {
            var message = RawBrokerClient.NewMessage("sql-topic", body, tag);
            message.UserProperties["city"] = city;
            message.UserProperties["amount"] = amount;
            Assert.Equal(Code.Ok, (await client.SendAsync(Ct, message)).Status.Code);
        }

        const string Expression = "city = 'X' AND amount BETWEEN 100 AND 1000 AND TAGS IN ('2021S1') AND region IS NULL";
        var matched = new List<Message>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (matched.Count < 1 && DateTime.UtcNow < deadline)
        {
            var (_, messages) = await client.ReceiveAsync("sql-group", "sql-topic", Expression, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(2), Ct, filterType: FilterType.Sql);
            matched.AddRange(messages);
        }

        var (status, more) = await client.ReceiveAsync("sql-group", "sql-topic", Expression, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(500), Ct, filterType: FilterType.Sql);
        Assert.Equal(["x-big"], matched.Select(RawBrokerClient.BodyOf));
        Assert.Equal(Code.MessageNotFound, status.Code);
        Assert.Empty(more);
    }

    [Theory]
    [InlineData("city = ")]
    [InlineData("city = 'X")]
    [InlineData("amount BETWEEN 1")]
    [InlineData("city IN (1, 2)")]
    [InlineData("(a = 1")]
    [InlineData("")]
    public async Task A_malformed_SQL_filter_gets_ILLEGAL_FILTER_EXPRESSION_and_the_broker_keeps_serving(string expression)
    {
        using var client = new RawBrokerClient(fixture.Broker.GrpcEndpoint);
        Assert.Equal(Code.Ok, (await client.SendAsync(Ct, RawBrokerClient.NewMessage("sql-bad-topic", "creates the topic"))).Status.Code);
        var (status, messages) = await client.ReceiveAsync("sql-bad-group", "sql-bad-topic", expression, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(100), Ct, filterType: FilterType.Sql);
        var send = await client.SendAsync(Ct, RawBrokerClient.NewMessage("sql-bad-topic", "still serving"));

        Assert.Equal(Code.IllegalFilterExpression, status.Code);
        Assert.Empty(messages);
        Assert.Equal(Code.Ok, send.Status.Code);
    }
}
