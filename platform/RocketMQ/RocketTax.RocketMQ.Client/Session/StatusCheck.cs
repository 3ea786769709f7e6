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
        Code.IllegalFilterExpression => " (fix the consumer's FilterExpression: tags as 'a||b', or a SQL92 condition such as \"a > 5 AND b = 'x'\" with FilterExpressionType.Sql)",
        Code.InvalidTransactionId => " (the transaction was committed or rolled back already, or the broker that holds it is not the one asked)",
        Code.MessagePropertyConflictWithType => " (the topic's message.type does not fit the message: a message group needs a FIFO topic, a delivery time a DELAY topic, a transaction a TRANSACTION topic)",
        _ => string.Empty,
    };
}
