using System.Globalization;
using RocketTax.RocketMQ.Remoting;
using RocketTax.RocketMQ.Remoting.Messages;

namespace RocketTax.RocketMQ.Broker.Tests.PullConsumers;

/// <summary>The requests a 4.x consumer sends to read a queue by offset and keep its place, as it writes them.</summary>
public static class PullConsumerRequests
{
    public const string Group = "consumer-group";

    /// <summary><c>PULL_MESSAGE</c> with the expression in the request, as a lite pull consumer sends it.</summary>
    public static RemotingCommand Pull(
        string topic, long offset, string expression = "*", long suspendMillis = 0, long? commitOffset = null, int maxMessages = 32, string group = Group)
    {
        var sysFlag = PullSysFlag.Subscription | (suspendMillis > 0 ? PullSysFlag.Suspend : 0) | (commitOffset is null ? 0 : PullSysFlag.CommitOffset);
        return new PullMessageHeader(group, topic, 0, offset, maxMessages, sysFlag, commitOffset ?? 0, suspendMillis, expression, "TAG").ToRequest();
    }

    /// <summary><c>PULL_MESSAGE</c> without an expression, as a 4.x push consumer sends it: the broker filters by the group's heartbeat.</summary>
    public static RemotingCommand PushConsumerPull(string topic, long offset, long suspendMillis = 1) =>
        new PullMessageHeader(Group, topic, 0, offset, 32, PullSysFlag.Suspend, 0, suspendMillis).ToRequest();

    public static RemotingCommand QueryOffset(string topic, string group = Group) =>
        RemotingCommand.Request(RequestCode.QueryConsumerOffset, new Dictionary<string, string> { ["consumerGroup"] = group, ["topic"] = topic, ["queueId"] = "0" });

    public static RemotingCommand UpdateOffset(string topic, long offset, string group = Group) =>
        RemotingCommand.Request(RequestCode.UpdateConsumerOffset, new Dictionary<string, string>
        {
            ["consumerGroup"] = group, ["topic"] = topic, ["queueId"] = "0", ["commitOffset"] = offset.ToString(CultureInfo.InvariantCulture),
        });

    public static RemotingCommand QueueOffset(int code, string topic, long? timestamp = null)
    {
        var fields = new Dictionary<string, string> { ["topic"] = topic, ["queueId"] = "0" };
        if (timestamp is { } at)
        {
            fields["timestamp"] = at.ToString(CultureInfo.InvariantCulture);
        }

        return RemotingCommand.Request(code, fields);
    }

    /// <summary><c>CONSUMER_SEND_MSG_BACK</c> of the message at <paramref name="commitLogOffset"/>, as a 4.x push consumer sends it after RECONSUME_LATER.</summary>
    public static RemotingCommand SendBack(long commitLogOffset, int delayLevel = 1, int? maxReconsumeTimes = null, string group = Group)
    {
        var fields = new Dictionary<string, string>
        {
            ["offset"] = commitLogOffset.ToString(CultureInfo.InvariantCulture), ["group"] = group,
            ["delayLevel"] = delayLevel.ToString(CultureInfo.InvariantCulture), ["originMsgId"] = "origin-id", ["unitMode"] = "false",
        };
        if (maxReconsumeTimes is { } max)
        {
            fields["maxReconsumeTimes"] = max.ToString(CultureInfo.InvariantCulture);
        }

        return RemotingCommand.Request(RequestCode.ConsumerSendMsgBack, fields);
    }

    public static long Offset(RemotingCommand answer, string field = "offset") => long.Parse(answer.Field(field)!, CultureInfo.InvariantCulture);
}
