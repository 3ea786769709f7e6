namespace RocketTax.RocketMQ.Remoting.Admin;

/// <summary>A topic to create or update: its queues per broker, permission bits and attributes (e.g. <c>+message.type=FIFO</c>).</summary>
public sealed record TopicSettings(string Topic, int ReadQueueNums = 4, int WriteQueueNums = 4, int Perm = 6, string? Attributes = null);
