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
    public const int QueryNotFound = 22;
    public const int ConsumerNotOnline = 206;
    public const int InvalidParameter = 215;
}
