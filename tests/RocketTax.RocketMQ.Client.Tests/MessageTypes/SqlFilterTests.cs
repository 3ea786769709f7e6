using System.Text;

namespace RocketTax.RocketMQ.Client.Tests.MessageTypes;

/// <summary>SQL92 filter expressions, evaluated by the broker on the user properties.</summary>
[Collection(MessageTypesCollection.Name)]
public sealed class SqlFilterTests(MessageTypesFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 60_000)]
    public async Task Sql_filter_delivers_only_the_messages_whose_properties_match()
    {
        const string topic = "sql-filter-topic";
        await using var producer = new Producer(Clients.Producer(fixture.Endpoint));
        foreach (var (body, a, b) in new[] { ("too-small", "3", "x"), ("match-1", "10", "x"), ("wrong-b", "10", "y"), ("no-b", "10", null), ("match-2", "6", "x") })
        {
            var properties = new Dictionary<string, string> { ["a"] = a };
            if (b is not null)
            {
                properties["b"] = b;
            }

            await producer.SendAsync(new Message(topic, body) { Properties = properties }, Ct);
        }

        await using var consumer = new SimpleConsumer(Clients.Simple(fixture.Endpoint, "sql-filter-group", topic) with
        {
            Subscriptions = new Dictionary<string, FilterExpression> { [topic] = new("a > 5 AND b = 'x'", FilterExpressionType.Sql) },
        });
        var received = await Clients.ReceiveAtLeastAsync(consumer, 2, TimeSpan.FromSeconds(30), ack: true, Ct);
        var rest = await consumer.ReceiveAsync(32, TimeSpan.FromSeconds(30), Ct);

        Assert.Equal(["match-1", "match-2"], received.Select(m => Encoding.UTF8.GetString(m.Body.Span)).Order());
        Assert.Empty(rest);
    }

    [Fact(Timeout = 60_000)]
    public async Task Malformed_sql_expression_is_refused_with_ILLEGAL_FILTER_EXPRESSION()
    {
        const string topic = "sql-malformed-topic";
        await using var producer = new Producer(Clients.Producer(fixture.Endpoint));
        await producer.SendAsync(new Message(topic, "any"), Ct);
        await using var consumer = new SimpleConsumer(Clients.Simple(fixture.Endpoint, "sql-malformed-group", topic) with
        {
            Subscriptions = new Dictionary<string, FilterExpression> { [topic] = new("a > AND", FilterExpressionType.Sql) },
        });

        var refused = await Assert.ThrowsAsync<RocketMQException>(() => consumer.ReceiveAsync(1, TimeSpan.FromSeconds(30), Ct));

        Assert.Equal(40010, refused.StatusCode);
        Assert.Contains("ILLEGAL_FILTER_EXPRESSION", refused.Message, StringComparison.Ordinal);
        Assert.Contains("FilterExpressionType.Sql", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tag_rules_do_not_apply_to_sql_but_a_blank_expression_is_refused()
    {
        Assert.Equal("b = 'x||y'", new FilterExpression(" b = 'x||y' ", FilterExpressionType.Sql).Expression);
        Assert.Throws<ArgumentException>(() => new FilterExpression("x||", FilterExpressionType.Tag));
        Assert.Equal("expression", Assert.Throws<ArgumentException>(() => new FilterExpression(" ", FilterExpressionType.Sql)).ParamName);
    }
}
