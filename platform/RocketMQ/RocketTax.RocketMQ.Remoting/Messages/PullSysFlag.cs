namespace RocketTax.RocketMQ.Remoting.Messages;

/// <summary>The bits of a <c>PULL_MESSAGE</c> request's <c>sysFlag</c> (RocketMQ's <c>PullSysFlag</c>).</summary>
public static class PullSysFlag
{
    /// <summary>The request carries the consumer's offset in <c>commitOffset</c> for the broker to store.</summary>
    public const int CommitOffset = 0x1;

    /// <summary>The broker may hold the request until a message arrives, up to <c>suspendTimeoutMillis</c> (long polling).</summary>
    public const int Suspend = 0x1 << 1;

    /// <summary>The request carries its subscription expression; without it the broker uses the one of the group's heartbeat.</summary>
    public const int Subscription = 0x1 << 2;

    /// <summary>Class filtering, which RocketMQ 5 dropped.</summary>
    public const int ClassFilter = 0x1 << 3;

    /// <summary>Sent by a lite pull consumer.</summary>
    public const int LitePull = 0x1 << 4;
}
