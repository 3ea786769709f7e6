using RocketTax.RocketMQ.Broker.Managers.Filtering;

namespace RocketTax.RocketMQ.Broker.Tests.MessageTypes;

/// <summary>The SQL92 subset RocketMQ filters with, evaluated against message properties (all stored as strings).</summary>
public sealed class SqlFilterTests
{
    private static readonly Dictionary<string, string> Report = new()
    {
        ["TAGS"] = "2021S1",
        ["city"] = "X",
        ["amount"] = "250.5",
        ["quarter"] = "1",
        ["final"] = "true",
        ["note"] = "it's",
    };

    [Theory]
    [InlineData("city = 'X'", true)]
    [InlineData("city <> 'X'", false)]
    [InlineData("city != 'Y'", true)]
    [InlineData("amount > 250", true)]
    [InlineData("amount >= 250.5 AND amount <= 250.5", true)]
    [InlineData("amount < -1", false)]
    [InlineData("quarter = 1", true)]
    [InlineData("amount BETWEEN 100 AND 300", true)]
    [InlineData("amount NOT BETWEEN 100 AND 300", false)]
    [InlineData("TAGS IN ('2021S1', '2021S2')", true)]
    [InlineData("city NOT IN ('X')", false)]
    [InlineData("region IS NULL", true)]
    [InlineData("city IS NOT NULL", true)]
    [InlineData("final = TRUE", true)]
    [InlineData("final", true)]
    [InlineData("NOT (city = 'Y') AND (quarter = 2 OR TAGS = '2021S1')", true)]
    [InlineData("region = 'Z'", false)]
    [InlineData("NOT region = 'Z'", false)]
    [InlineData("region = 'Z' OR city = 'X'", true)]
    [InlineData("city > 1", false)]
    [InlineData("note = 'it''s'", true)]
    [InlineData("city = 'x'", false)]
    [InlineData("a.b_c IS NULL and CITY is null", true)]
    public void Evaluates_like_RocketMQ(string expression, bool expected)
    {
        Assert.True(SqlFilter.TryParse(expression, out var filter, out var error), error);
        Assert.Equal(expected, filter.Matches(Report));
    }

    [Theory]
    [InlineData("city =")]
    [InlineData("city = 'X' AND")]
    [InlineData("city = 'X' city = 'Y'")]
    [InlineData("amount BETWEEN 1 OR 2")]
    [InlineData("city IN ()")]
    [InlineData("city IN ('a' 'b')")]
    [InlineData("city # 'X'")]
    [InlineData("city NOT = 'X'")]
    [InlineData("city IS 'X'")]
    [InlineData("   ")]
    public void Refuses_malformed_expressions_with_a_reason(string expression)
    {
        Assert.False(SqlFilter.TryParse(expression, out _, out var error));
        Assert.False(string.IsNullOrWhiteSpace(error));
    }
}
