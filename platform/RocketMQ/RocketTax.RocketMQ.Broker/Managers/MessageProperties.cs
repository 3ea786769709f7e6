namespace RocketTax.RocketMQ.Broker.Managers;

/// <summary>
/// Property names the broker keeps beside a message's user properties, RocketMQ's own where it has one,
/// so that tools reading the store (mqadmin queryMsgById, the console) find them where RocketMQ users look.
/// </summary>
public static class MessageProperties
{
    public const string MessageId = "UNIQ_KEY";
    public const string Keys = "KEYS";
    public const string Tags = "TAGS";
    public const string MessageGroup = "__SHARDINGKEY";
    public const string DeliveryTimestamp = "TIMER_DELIVER_MS";

    /// <summary>A 4.x producer's delay: a 1-based level of the broker's <c>messageDelayLevel</c>.</summary>
    public const string DelayLevel = "DELAY";
    public const string TraceContext = "TRACE_CONTEXT";
    public const string MessageType = "MSG_TYPE";
    public const string BodyEncoding = "BODY_ENCODING";
    public const string RetryTopic = "RETRY_TOPIC";

    /// <summary>The id of the message a retried or dead-lettered copy was made from.</summary>
    public const string OriginMessageId = "ORIGIN_MESSAGE_ID";
    public const string OriginQueueId = "ORIGIN_QUEUE_ID";
    public const string OriginQueueOffset = "ORIGIN_QUEUE_OFFSET";
    public const string RealTopic = "REAL_TOPIC";
    public const string RealQueueId = "REAL_QID";
    public const string TransactionPrepared = "TRAN_MSG";
    public const string TransactionCheckTimes = "TRANSACTION_CHECK_TIMES";

    /// <summary>Separator of several keys in <see cref="Keys"/>, as RocketMQ stores them.</summary>
    public const char KeySeparator = ' ';

    private static readonly HashSet<string> Reserved =
    [
        MessageId, Keys, Tags, MessageGroup, DeliveryTimestamp, TraceContext, MessageType, BodyEncoding,
        RetryTopic, OriginQueueId, OriginQueueOffset,
        "WAIT", "DELAY", "RETRY_TOPIC", "REAL_TOPIC", "REAL_QID", "TRAN_MSG", "PGROUP", "MIN_OFFSET", "MAX_OFFSET",
        "BUYER_ID", OriginMessageId, "TRANSFER_FLAG", "CORRECTION_FLAG", "MQ2_FLAG", "RECONSUME_TIME",
        "MSG_REGION", "TRACE_ON", "UNIQ_KEY", "MAX_RECONSUME_TIMES", "CONSUME_START_TIME", "CLUSTER", TransactionCheckTimes,
    ];

    /// <summary>Drops a message's delay (level and due time): a dead-lettered message is stored at once.</summary>
    public static void RemoveDelay(IDictionary<string, string> properties)
    {
        properties.Remove(DelayLevel);
        properties.Remove(DeliveryTimestamp);
    }

    /// <summary>True for a name a user property may not take because the broker uses it.</summary>
    public static bool IsReserved(string name) => Reserved.Contains(name);
}
