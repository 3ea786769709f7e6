using System.Collections.Concurrent;

namespace RocketTax.RocketMQ.Broker.Managers.Filtering;

/// <summary>
/// Parsed subscription expressions by type and text, so a consumer that sends the same expression with every pull (a 4.x
/// consumer does) has it parsed once. Filters hold no state, so one is shared by every pull that names its expression.
/// </summary>
/// <remarks>
/// A broker's distinct expressions are few (one or two per consumer group and topic). At most about
/// <see cref="Capacity"/> are kept; past that a new expression is parsed at each use instead, so a client sending a new
/// expression each time cannot grow the broker's memory, while the expressions already kept stay cached.
/// </remarks>
public sealed class MessageFilterCache
{
    /// <summary>Most expressions kept (a few concurrent first uses may add slightly more).</summary>
    public const int Capacity = 1024;

    private readonly ConcurrentDictionary<(bool Sql, string Expression), IMessageFilter> _parsed = new();

    /// <summary>How many expressions are kept.</summary>
    public int Count => _parsed.Count;

    /// <summary>As <see cref="MessageFilters.TryParse"/>, parsing each expression once; a malformed one is not kept.</summary>
    public bool TryParse(string? expression, bool sql, out IMessageFilter filter, out string? error)
    {
        if (expression is null)
        {
            return MessageFilters.TryParse(expression, sql, out filter, out error);
        }

        var key = (sql, expression);
        if (_parsed.TryGetValue(key, out var parsed))
        {
            (filter, error) = (parsed, null);
            return true;
        }

        if (!MessageFilters.TryParse(expression, sql, out filter, out error))
        {
            return false;
        }

        if (_parsed.Count < Capacity)
        {
            filter = _parsed.GetOrAdd(key, filter);
        }

        return true;
    }
}
