using System.Globalization;

namespace RocketTax.RocketMQ.Remoting.Messages;

/// <summary>
/// The header of <c>PULL_MESSAGE</c>, as 4.x push and pull consumers send it (RocketMQ's <c>PullMessageRequestHeader</c>).
/// </summary>
/// <param name="QueueOffset">The offset of the first message wanted.</param>
/// <param name="SysFlag">The <see cref="PullSysFlag"/> bits.</param>
/// <param name="CommitOffset">The consumer's offset to store, when <see cref="PullSysFlag.CommitOffset"/> is set.</param>
/// <param name="SuspendTimeoutMillis">How long the broker may hold the pull waiting for a message, when <see cref="PullSysFlag.Suspend"/> is set.</param>
/// <param name="Subscription">The expression, when <see cref="PullSysFlag.Subscription"/> is set.</param>
/// <param name="ExpressionType"><c>TAG</c> (or absent) or <c>SQL92</c>.</param>
public sealed record PullMessageHeader(
    string ConsumerGroup,
    string Topic,
    int QueueId,
    long QueueOffset,
    int MaxMsgNums,
    int SysFlag,
    long CommitOffset,
    long SuspendTimeoutMillis,
    string? Subscription = null,
    string? ExpressionType = null)
{
    public bool HasCommitOffset => (SysFlag & PullSysFlag.CommitOffset) != 0;

    public bool MaySuspend => (SysFlag & PullSysFlag.Suspend) != 0;

    public bool HasSubscription => (SysFlag & PullSysFlag.Subscription) != 0;

    /// <summary>Reads the header of a <see cref="RequestCode.PullMessage"/>; throws <see cref="RemotingProtocolException"/> when a required field is missing.</summary>
    public static PullMessageHeader Read(RemotingCommand request) => new(
        request.RequiredField("consumerGroup"),
        request.RequiredField("topic"),
        (int)request.RequiredNumber("queueId", 0, int.MaxValue),
        request.RequiredNumber("queueOffset"),
        (int)request.RequiredNumber("maxMsgNums", 0, int.MaxValue),
        (int)request.RequiredNumber("sysFlag", 0, int.MaxValue),
        request.RequiredNumber("commitOffset"),
        request.RequiredNumber("suspendTimeoutMillis", 0),
        request.Field("subscription"),
        request.Field("expressionType"));

    /// <summary>The request a consumer sends.</summary>
    public RemotingCommand ToRequest()
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["consumerGroup"] = ConsumerGroup,
            ["topic"] = Topic,
            ["queueId"] = QueueId.ToString(CultureInfo.InvariantCulture),
            ["queueOffset"] = QueueOffset.ToString(CultureInfo.InvariantCulture),
            ["maxMsgNums"] = MaxMsgNums.ToString(CultureInfo.InvariantCulture),
            ["sysFlag"] = SysFlag.ToString(CultureInfo.InvariantCulture),
            ["commitOffset"] = CommitOffset.ToString(CultureInfo.InvariantCulture),
            ["suspendTimeoutMillis"] = SuspendTimeoutMillis.ToString(CultureInfo.InvariantCulture),
            ["subVersion"] = "0",
        };
        if (Subscription is not null)
        {
            fields["subscription"] = Subscription;
        }

        if (ExpressionType is not null)
        {
            fields["expressionType"] = ExpressionType;
        }

        return RemotingCommand.Request(RequestCode.PullMessage, fields);
    }
}
