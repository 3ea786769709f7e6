using System.Text.RegularExpressions;

namespace RocketTax.RocketMQ.Console.Admin;

/// <summary>RocketMQ's rule for topic names, checked before a request goes out so the operator reads why at once.</summary>
public static partial class TopicNames
{
    public const int MaxLength = 127;

    [GeneratedRegex("^[%|a-zA-Z0-9_-]+$")]
    private static partial Regex ValidName();

    /// <summary>Why <paramref name="topic"/> is not a valid topic name, or null when it is.</summary>
    public static string? Validate(string? topic) => topic switch
    {
        null or "" => "enter a topic name",
        { Length: > MaxLength } => $"a topic name has at most {MaxLength} characters",
        _ when !ValidName().IsMatch(topic) => $"'{topic}' is not a topic name: use letters, digits, '%', '|', '-' and '_'",
        _ => null,
    };
}
