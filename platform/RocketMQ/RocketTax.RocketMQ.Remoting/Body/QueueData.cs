namespace RocketTax.RocketMQ.Remoting.Body;

/// <summary>One broker's queues of a topic in a route (RocketMQ's <c>QueueData</c>).</summary>
public sealed record QueueData(string BrokerName, int ReadQueueNums, int WriteQueueNums, int Perm, int TopicSysFlag = 0);
