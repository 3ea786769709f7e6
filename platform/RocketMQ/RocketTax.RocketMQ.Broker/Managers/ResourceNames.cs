using System.Text.RegularExpressions;

namespace RocketTax.RocketMQ.Broker.Managers;

/// <summary>RocketMQ's rules for topic and group names, and the names of its system topics.</summary>
public static partial class ResourceNames
{
    public const int MaxTopicLength = 127;
    public const int MaxGroupLength = 255;
    public const string DeadLetterPrefix = "%DLQ%";
    public const string RetryPrefix = "%RETRY%";

    [GeneratedRegex("^[%|a-zA-Z0-9_-]+$")]
    private static partial Regex ValidName();

    /// <summary>Why <paramref name="topic"/> is not a valid topic name, or null when it is.</summary>
    public static string? ValidateTopic(string? topic) => Validate(topic, "topic", MaxTopicLength);

    /// <summary>Why <paramref name="group"/> is not a valid consumer group name, or null when it is.</summary>
    public static string? ValidateGroup(string? group) => Validate(group, "consumer group", MaxGroupLength);

    public static string DeadLetterTopic(string group) => DeadLetterPrefix + group;

    public static string RetryTopic(string group) => RetryPrefix + group;

    /// <summary>The consumer group whose retry topic <paramref name="topic"/> is (<c>%RETRY%group</c>), or null for another topic.</summary>
    public static string? RetryGroup(string? topic) =>
        topic is not null && topic.StartsWith(RetryPrefix, StringComparison.Ordinal) ? topic[RetryPrefix.Length..] : null;

    public static bool IsSystemTopic(string topic) =>
        topic.StartsWith(DeadLetterPrefix, StringComparison.Ordinal) || topic.StartsWith(RetryPrefix, StringComparison.Ordinal);

    private static string? Validate(string? name, string what, int maxLength)
    {
        if (string.IsNullOrEmpty(name))
        {
            return $"the {what} name is blank";
        }

        if (name.Length > maxLength)
        {
            return $"the {what} name '{name[..20]}...' is {name.Length} characters long; the limit is {maxLength}";
        }

        return ValidName().IsMatch(name)
            ? null
            : $"the {what} name '{name}' has characters other than letters, digits, '%', '|', '-' and '_'";
    }
}
