namespace RocketTax.RocketMQ.Remoting;

/// <summary>RocketMQ's request codes (<c>RequestCode.java</c>), the ones this cluster serves or sends.</summary>
public static class RequestCode
{
    public const int SendMessage = 10;
    public const int PullMessage = 11;
    public const int QueryMessage = 12;
    public const int QueryConsumerOffset = 14;
    public const int UpdateConsumerOffset = 15;
    public const int UpdateAndCreateTopic = 17;
    public const int GetAllTopicConfig = 21;
    public const int GetBrokerRuntimeInfo = 28;
    public const int SearchOffsetByTimestamp = 29;
    public const int GetMaxOffset = 30;
    public const int GetMinOffset = 31;
    public const int ViewMessageById = 33;
    public const int HeartBeat = 34;
    public const int UnregisterClient = 35;
    public const int ConsumerSendMsgBack = 36;
    public const int GetConsumerListByGroup = 38;
    public const int RegisterBroker = 103;
    public const int UnregisterBroker = 104;
    public const int GetRouteInfoByTopic = 105;
    public const int GetBrokerClusterInfo = 106;
    public const int GetTopicStatsInfo = 202;
    public const int GetConsumerConnectionList = 203;
    public const int GetAllTopicListFromNameServer = 206;
    public const int GetConsumeStats = 208;
    public const int DeleteTopicInBroker = 215;
    public const int DeleteTopicInNameServer = 216;
    public const int SendMessageV2 = 310;
    public const int SendBatchMessage = 320;
}
