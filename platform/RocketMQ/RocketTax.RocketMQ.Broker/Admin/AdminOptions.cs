namespace RocketTax.RocketMQ.Broker.Admin;

/// <summary>The options of one <c>mqadmin</c> command, named by their RocketMQ letters.</summary>
public sealed record AdminOptions
{
    /// <summary><c>-n</c>: name servers, <c>host:port;host:port</c> (else <c>NAMESRV_ADDR</c>).</summary>
    public string? NamesrvAddr { get; init; }

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
}
