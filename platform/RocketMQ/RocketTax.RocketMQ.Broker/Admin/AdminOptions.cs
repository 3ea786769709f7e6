namespace RocketTax.RocketMQ.Broker.Admin;

/// <summary>The options of one <c>mqadmin</c> command, named by their RocketMQ letters.</summary>
public sealed record AdminOptions
{
    /// <summary><c>-n</c>: name servers, <c>host:port;host:port</c> (else <c>NAMESRV_ADDR</c>).</summary>
    public string? NamesrvAddr { get; init; }

    /// <summary><c>--accessKey</c>: the account requests are signed with (else <c>ROCKETMQ_ACCESS_KEY</c>); none leaves them unsigned.</summary>
    public string? AccessKey { get; init; }

    /// <summary><c>--secretKey</c>: that account's secret (else <c>ROCKETMQ_SECRET_KEY</c>).</summary>
    public string? SecretKey { get; init; }

    /// <summary><c>-c</c>: cluster name.</summary>
    public string? Cluster { get; init; }

    /// <summary><c>-b</c>: one broker's remoting address.</summary>
    public string? BrokerAddr { get; init; }

    /// <summary><c>-t</c>: topic.</summary>
    public string? Topic { get; init; }

    /// <summary><c>-g</c>: consumer group.</summary>
    public string? Group { get; init; }

    /// <summary><c>-i</c>: message id (offset id or the client's id).</summary>
    public string? MessageId { get; init; }

    /// <summary><c>-r</c>: read queues of a new topic; 4 like the seed (RocketMQ's tool says 8).</summary>
    public int ReadQueueNums { get; init; } = 4;

    /// <summary><c>-w</c>: write queues of a new topic; 4 like the seed.</summary>
    public int WriteQueueNums { get; init; } = 4;

    /// <summary><c>-p</c>: permission bits of a new topic (6 = read and write).</summary>
    public int Perm { get; init; } = 6;

    /// <summary><c>-a</c>: topic attributes, e.g. <c>+message.type=FIFO</c>.</summary>
    public string? Attributes { get; init; }

    /// <summary><c>-s</c> (updateSubGroup): the group may consume.</summary>
    public bool ConsumeEnable { get; init; } = true;

    /// <summary><c>-o</c> (updateSubGroup): the group consumes FIFO topics in order.</summary>
    public bool ConsumeOrderly { get; init; }

    /// <summary><c>-m</c> (updateSubGroup): a new group starts at the oldest message.</summary>
    public bool ConsumeFromMin { get; init; } = true;

    /// <summary><c>-d</c> (updateSubGroup): broadcast consumption.</summary>
    public bool ConsumeBroadcast { get; init; }

    /// <summary><c>-r</c> (updateSubGroup): retries before a message goes to the group's DLQ.</summary>
    public int RetryMaxTimes { get; init; } = 16;
}
