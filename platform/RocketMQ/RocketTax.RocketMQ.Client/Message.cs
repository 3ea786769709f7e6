using System.Text;
using System.Text.RegularExpressions;

namespace RocketTax.RocketMQ.Client;

/// <summary>
/// A message to send. Every field is checked when it is set, so a bad message never reaches the network:
/// the <see cref="ArgumentException"/> names the field.
/// </summary>
public sealed partial class Message
{
    /// <summary>Longest topic name RocketMQ accepts.</summary>
    public const int MaxTopicLength = 127;

    private readonly string? _tag;
    private readonly IReadOnlyList<string> _keys = [];
    private readonly IReadOnlyDictionary<string, string> _properties = new Dictionary<string, string>();
    private readonly string? _messageGroup;

    /// <summary>A message with a binary body.</summary>
    public Message(string topic, ReadOnlyMemory<byte> body)
    {
        ValidateTopic(topic, nameof(topic));
        if (body.IsEmpty)
        {
            throw new ArgumentException("The message body is empty; RocketMQ refuses empty bodies (MESSAGE_BODY_EMPTY).", nameof(body));
        }

        Topic = topic;
        Body = body;
    }

    /// <summary>A message whose body is <paramref name="body"/> in UTF-8.</summary>
    public Message(string topic, string body)
        : this(topic, Encoding.UTF8.GetBytes(body ?? throw new ArgumentNullException(nameof(body))))
    {
    }

    /// <summary>The topic, matching <c>^[%|a-zA-Z0-9_-]+$</c>, at most 127 characters.</summary>
    public string Topic { get; }

    /// <summary>The body; never empty.</summary>
    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>The tag consumers filter on (e.g. <c>2021S1</c>); no <c>|</c>, not blank.</summary>
    public string? Tag
    {
        get => _tag;
        init
        {
            if (value is not null && (string.IsNullOrWhiteSpace(value) || value.Contains('|', StringComparison.Ordinal)))
            {
                throw new ArgumentException($"The tag '{value}' is illegal: a tag must not be blank or contain '|'.", nameof(Tag));
            }

            _tag = value;
        }
    }

    /// <summary>Business keys to look the message up by; none blank.</summary>
    public IReadOnlyList<string> Keys
    {
        get => _keys;
        init
        {
            ArgumentNullException.ThrowIfNull(value, nameof(Keys));
            if (value.Any(string.IsNullOrWhiteSpace))
            {
                throw new ArgumentException("A message key is blank; keys must be non-blank strings.", nameof(Keys));
            }

            _keys = [.. value];
        }
    }

    /// <summary>User properties, delivered to consumers as they were sent.</summary>
    public IReadOnlyDictionary<string, string> Properties
    {
        get => _properties;
        init
        {
            ArgumentNullException.ThrowIfNull(value, nameof(Properties));
            foreach (var (name, property) in value)
            {
                if (string.IsNullOrWhiteSpace(name) || property is null)
                {
                    throw new ArgumentException($"The property '{name}' has a blank name or a null value.", nameof(Properties));
                }
            }

            _properties = new Dictionary<string, string>(value, StringComparer.Ordinal);
        }
    }

    /// <summary>The FIFO message group; only for FIFO topics.</summary>
    public string? MessageGroup
    {
        get => _messageGroup;
        init
        {
            if (value is not null && string.IsNullOrWhiteSpace(value))
            {
                throw new ArgumentException("The message group is blank.", nameof(MessageGroup));
            }

            _messageGroup = value;
        }
    }

    /// <summary>When a delay message becomes deliverable; only for DELAY topics.</summary>
    public DateTimeOffset? DeliveryTimestamp { get; init; }

    /// <summary>Throws an <see cref="ArgumentException"/> naming <paramref name="parameterName"/> unless <paramref name="topic"/> is a legal topic name.</summary>
    public static void ValidateTopic(string topic, string parameterName)
    {
        if (string.IsNullOrEmpty(topic))
        {
            throw new ArgumentException("The topic is empty.", parameterName);
        }

        if (topic.Length > MaxTopicLength)
        {
            throw new ArgumentException($"The topic '{topic[..20]}...' has {topic.Length} characters; at most {MaxTopicLength} are allowed.", parameterName);
        }

        if (!TopicPattern().IsMatch(topic))
        {
            throw new ArgumentException($"The topic '{topic}' is illegal: use only letters, digits, '%', '|', '_' and '-'.", parameterName);
        }
    }

    [GeneratedRegex("^[%|a-zA-Z0-9_-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex TopicPattern();
}
