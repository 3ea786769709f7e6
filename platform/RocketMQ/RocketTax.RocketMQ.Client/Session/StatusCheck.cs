using Apache.Rocketmq.V2;

namespace RocketTax.RocketMQ.Client.Session;

/// <summary>Turns a non-OK protocol status into a <see cref="RocketMQException"/> that says who refused what and why.</summary>
internal static class StatusCheck
{
    public static void ThrowIfFailed(Status? status, string operation, EndpointAddress endpoint)
    {
        if (status is null || status.Code == Code.Ok)
        {
            return;
        }

        throw Failure(status, operation, endpoint);
    }

    public static RocketMQException Failure(Status status, string operation, EndpointAddress endpoint) =>
        new($"{endpoint} refused {operation}: {Name(status.Code)} ({(int)status.Code}) {status.Message}{Hint(status.Code)}",
            (int)status.Code, endpoint.ToString());

    private static string Name(Code code) => code.ToString() switch
    {
        var name => string.Concat(name.Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + c : c.ToString())).ToUpperInvariant(),
    };

    private static string Hint(Code code) => code switch
    {
        Code.TopicNotFound => " (create the topic, e.g. 'mqadmin updateTopic -t <topic>', or enable autoCreateTopicEnable on the broker)",
        Code.Unauthorized or Code.Forbidden => " (check AccessKey/SecretKey and the ACL of the cluster)",
        Code.MessageBodyTooLarge => " (send a smaller body or raise maxMessageSize on the broker)",
        Code.TooManyRequests => " (the broker is throttling; slow down or add brokers)",
        _ => string.Empty,
    };
}
