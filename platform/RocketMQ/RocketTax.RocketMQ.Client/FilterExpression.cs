namespace RocketTax.RocketMQ.Client;

/// <summary>
/// Which messages of a topic a consumer wants: a tag expression (<c>*</c> for all, <c>a||b</c> for either tag) or a
/// SQL92 condition the broker evaluates on each message's properties.
/// </summary>
public sealed record FilterExpression
{
    /// <summary>Every message of the topic.</summary>
    public static readonly FilterExpression SubAll = new("*");

    /// <summary>A tag expression (<c>*</c>, one tag, or tags joined with <c>||</c>), or with <see cref="FilterExpressionType.Sql"/> a SQL92 condition.</summary>
    /// <exception cref="ArgumentException">The expression is blank, or not a legal tag expression.</exception>
    public FilterExpression(string expression, FilterExpressionType type = FilterExpressionType.Tag)
    {
        if (string.IsNullOrWhiteSpace(expression))
        {
            throw new ArgumentException(
                type == FilterExpressionType.Sql ? "The SQL filter expression is blank; use 'TRUE' for every message." : "The filter expression is blank; use '*' for every message.",
                nameof(expression));
        }

        if (!Enum.IsDefined(type))
        {
            throw new ArgumentException($"The filter expression type {type} is unknown; use Tag or Sql.", nameof(type));
        }

        var trimmed = expression.Trim();
        // SQL is checked by the broker (ILLEGAL_FILTER_EXPRESSION), which knows the grammar it evaluates.
        if (type == FilterExpressionType.Tag && trimmed != "*"
            && trimmed.Split("||").Any(tag => string.IsNullOrWhiteSpace(tag) || tag.Contains('|', StringComparison.Ordinal)))
        {
            throw new ArgumentException($"The filter expression '{expression}' is illegal: write '*', a tag, or tags joined with '||'.", nameof(expression));
        }

        Expression = trimmed;
        Type = type;
    }

    /// <summary>The expression as sent to the broker.</summary>
    public string Expression { get; }

    /// <summary>Tags or SQL92.</summary>
    public FilterExpressionType Type { get; }

    /// <summary>The expression, prefixed with <c>SQL:</c> for SQL92.</summary>
    public override string ToString() => Type == FilterExpressionType.Sql ? $"SQL: {Expression}" : Expression;

    /// <summary>The expression as the protocol carries it.</summary>
    internal Apache.Rocketmq.V2.FilterExpression ToProtocol() => new()
    {
        Type = Type == FilterExpressionType.Sql ? Apache.Rocketmq.V2.FilterType.Sql : Apache.Rocketmq.V2.FilterType.Tag,
        Expression = Expression,
    };
}
