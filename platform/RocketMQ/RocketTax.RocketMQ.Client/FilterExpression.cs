namespace RocketTax.RocketMQ.Client;

/// <summary>Which messages of a topic a consumer wants: a tag expression, <c>*</c> for all or <c>a||b</c> for either tag.</summary>
public sealed record FilterExpression
{
    /// <summary>Every message of the topic.</summary>
    public static readonly FilterExpression SubAll = new("*");

    /// <summary>A tag expression: <c>*</c>, one tag, or tags joined with <c>||</c>.</summary>
    public FilterExpression(string expression)
    {
        if (string.IsNullOrWhiteSpace(expression))
        {
            throw new ArgumentException("The filter expression is blank; use '*' for every message.", nameof(expression));
        }

        var trimmed = expression.Trim();
        if (trimmed != "*" && trimmed.Split("||").Any(tag => string.IsNullOrWhiteSpace(tag) || tag.Contains('|', StringComparison.Ordinal)))
        {
            throw new ArgumentException($"The filter expression '{expression}' is illegal: write '*', a tag, or tags joined with '||'.", nameof(expression));
        }

        Expression = trimmed;
    }

    /// <summary>The tag expression as sent to the broker.</summary>
    public string Expression { get; }

    /// <summary>The expression.</summary>
    public override string ToString() => Expression;
}
