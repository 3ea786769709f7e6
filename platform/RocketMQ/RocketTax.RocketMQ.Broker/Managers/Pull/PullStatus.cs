namespace RocketTax.RocketMQ.Broker.Managers.Pull;

/// <summary>How a pull by offset ended (RocketMQ's pull statuses).</summary>
public enum PullStatus
{
    /// <summary>Messages were found from the offset.</summary>
    Found,

    /// <summary>The offset is the queue's end: nothing new yet.</summary>
    NoNewMessage,

    /// <summary>Messages were scanned and none passed the filter; pull again from the next begin offset.</summary>
    NoMatchedMessage,

    /// <summary>The offset is outside the queue (below its first message or past its end); the next begin offset is where to go.</summary>
    OffsetMoved,
}
