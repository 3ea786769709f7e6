using RocketTax.RocketMQ.Broker.Store;

namespace RocketTax.RocketMQ.Broker.Managers.Filtering;

/// <summary>
/// A SQL92 filter (<c>FilterType.SQL</c>) over a message's user properties and <c>TAGS</c>, e.g.
/// <c>city = 'X' AND amount BETWEEN 100 AND 500</c>. A message is delivered when the expression is TRUE.
/// </summary>
public sealed class SqlFilter : IMessageFilter
{
    private readonly SqlExpression _expression;

    private SqlFilter(string expression, SqlExpression parsed)
    {
        Expression = expression;
        _expression = parsed;
    }

    public string Expression { get; }

    /// <summary>Parses an expression; false with a reason a user can act on for a malformed one.</summary>
    public static bool TryParse(string? expression, out SqlFilter filter, out string? error)
    {
        filter = null!;
        error = null;
        if (string.IsNullOrWhiteSpace(expression))
        {
            error = "the SQL92 filter expression is blank; use e.g. \"TAGS = '2021S1' AND city = 'X'\"";
            return false;
        }

        try
        {
            filter = new SqlFilter(expression, SqlParser.Parse(expression));
            return true;
        }
        catch (SqlFilterException ex)
        {
            error = $"the SQL92 filter expression \"{expression}\" is malformed: {ex.Message}";
            return false;
        }
    }

    /// <summary>True when the expression selects a message with these properties.</summary>
    public bool Matches(IReadOnlyDictionary<string, string> properties) => _expression.Evaluate(properties) is true or "true";

    public bool MayMatch(long tagHashCode) => true;

    public bool Matches(StoredMessage message) => Matches(message.Properties);
}
