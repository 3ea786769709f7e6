namespace RocketTax.RocketMQ.Console.Admin;

/// <summary>
/// The consumer groups a cluster reveals through its topic list: every group that retried or dead-lettered a message
/// has a <c>%RETRY%group</c> or <c>%DLQ%group</c> topic.
/// </summary>
public static class ConsumerGroupNames
{
    public const string RetryPrefix = "%RETRY%";
    public const string DeadLetterPrefix = "%DLQ%";

    public static string DeadLetterTopic(string group) => DeadLetterPrefix + group;

    public static IReadOnlyList<string> FromTopics(IEnumerable<string> topics) =>
    [
        .. topics
            .Select(t => t.StartsWith(RetryPrefix, StringComparison.Ordinal) ? t[RetryPrefix.Length..]
                : t.StartsWith(DeadLetterPrefix, StringComparison.Ordinal) ? t[DeadLetterPrefix.Length..]
                : null)
            .OfType<string>()
            .Where(g => g.Length > 0)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal),
    ];

    /// <summary>Groups that have a dead-letter topic.</summary>
    public static IReadOnlyList<string> WithDeadLetters(IEnumerable<string> topics) =>
    [
        .. topics
            .Where(t => t.StartsWith(DeadLetterPrefix, StringComparison.Ordinal) && t.Length > DeadLetterPrefix.Length)
            .Select(t => t[DeadLetterPrefix.Length..])
            .Order(StringComparer.Ordinal),
    ];
}
