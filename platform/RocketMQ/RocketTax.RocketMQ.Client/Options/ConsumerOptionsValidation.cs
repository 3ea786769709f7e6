using System.Text.RegularExpressions;

namespace RocketTax.RocketMQ.Client;

/// <summary>The checks consumer options share.</summary>
internal static partial class ConsumerOptionsValidation
{
    public static void Group(string group, string name)
    {
        if (string.IsNullOrWhiteSpace(group) || group.Length > 255 || !GroupPattern().IsMatch(group))
        {
            throw new ArgumentException($"The consumer group '{group}' is illegal: use 1 to 255 letters, digits, '%', '|', '_' and '-'.", name);
        }
    }

    public static void Subscriptions(IReadOnlyDictionary<string, FilterExpression> subscriptions, string name)
    {
        ArgumentNullException.ThrowIfNull(subscriptions, name);
        if (subscriptions.Count == 0)
        {
            throw new ArgumentException("Subscriptions is empty: subscribe to at least one topic.", name);
        }

        foreach (var (topic, filter) in subscriptions)
        {
            Message.ValidateTopic(topic, name);
            if (filter is null)
            {
                throw new ArgumentException($"The filter expression of topic '{topic}' is null; use FilterExpression.SubAll for every message.", name);
            }
        }
    }

    [GeneratedRegex("^[%|a-zA-Z0-9_-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex GroupPattern();
}
