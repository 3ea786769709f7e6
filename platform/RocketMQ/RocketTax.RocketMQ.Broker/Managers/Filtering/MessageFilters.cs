namespace RocketTax.RocketMQ.Broker.Managers.Filtering;

/// <summary>Parses a consumer's subscription expression into the filter the broker evaluates.</summary>
public static class MessageFilters
{
    /// <summary>A TAG expression (<c>*</c>, <c>a||b</c>), or an SQL92 one when <paramref name="sql"/>; false with a reason when it is malformed.</summary>
    public static bool TryParse(string? expression, bool sql, out IMessageFilter filter, out string? error)
    {
        if (sql)
        {
            var parsedSql = SqlFilter.TryParse(expression, out var condition, out error);
            filter = condition;
            return parsedSql;
        }

        var parsedTags = TagFilter.TryParse(expression, out var tags, out error);
        filter = tags;
        return parsedTags;
    }
}
