namespace RocketTax.RocketMQ.Remoting;

/// <summary>RocketMQ's response codes (<c>ResponseCode.java</c> and <c>RemotingSysResponseCode.java</c>).</summary>
public static class ResponseCode
{
    public const int Success = 0;
    public const int SystemError = 1;
    public const int SystemBusy = 2;
    public const int RequestCodeNotSupported = 3;
    public const int MessageIllegal = 13;

    /// <summary>NO_PERMISSION: the ACL refused the request (unsigned, bad signature, or the account may not do it).</summary>
    public const int NoPermission = 16;
    public const int TopicNotExist = 17;

    /// <summary>PULL_NOT_FOUND: nothing at the pulled offset yet (the consumer is caught up).</summary>
    public const int PullNotFound = 19;

    /// <summary>PULL_RETRY_IMMEDIATELY: the scanned messages all failed the filter; pull again from <c>nextBeginOffset</c>.</summary>
    public const int PullRetryImmediately = 20;

    /// <summary>PULL_OFFSET_MOVED: the pulled offset is outside the queue; the consumer moves to <c>nextBeginOffset</c>.</summary>
    public const int PullOffsetMoved = 21;

    /// <summary>QUERY_NOT_FOUND: no such message, or no committed offset for the group on the queue.</summary>
    public const int QueryNotFound = 22;
    public const int SubscriptionParseFailed = 23;
    public const int SubscriptionNotExist = 24;
    public const int ConsumerNotOnline = 206;
    public const int InvalidParameter = 215;
}
