namespace RocketTax.RocketMQ.Broker.Store;

/// <summary>RocketMQ's topic naming rule, which also keeps topic names safe as folder names under <c>consumequeue/</c>.</summary>
public static class TopicName
{
    /// <summary>RocketMQ's <c>TOPIC_MAX_LENGTH</c>.</summary>
    public const int MaxLength = 127;

    /// <summary>True for 1..127 characters from <c>[%|a-zA-Z0-9_-]</c>, as RocketMQ's <c>TopicValidator</c> allows.</summary>
    public static bool IsValid(string? topic)
    {
        if (string.IsNullOrEmpty(topic) || topic.Length > MaxLength)
        {
            return false;
        }

        foreach (var c in topic)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '%' or '|' or '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }
}
