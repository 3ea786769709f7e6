using System.Net;

namespace RocketTax.RocketMQ.Remoting.Messages;

/// <summary>
/// A stored message as RocketMQ brokers hand it out (RocketMQ's <c>MessageExt</c>): where it lies, when and from
/// where it was born and stored, its properties and body. <see cref="MessageExtCodec"/> reads and writes its binary form.
/// </summary>
public sealed record MessageExt
{
    public required string Topic { get; init; }

    public int QueueId { get; init; }

    /// <summary>The producer's flag, opaque to the broker.</summary>
    public int Flag { get; init; }

    public long QueueOffset { get; init; }

    /// <summary>The message's offset in its broker's commit log.</summary>
    public long CommitLogOffset { get; init; }

    /// <summary>Bytes of the encoded message (its <c>totalSize</c>); 0 before it is encoded.</summary>
    public int StoreSize { get; init; }

    /// <summary>CRC-32 of the body as stored, masked to 31 bits as RocketMQ's <c>UtilAll.crc32</c> does.</summary>
    public int BodyCrc { get; init; }

    /// <summary><see cref="MessageSysFlag"/> bits: compression, transaction state, IPv6 hosts.</summary>
    public int SysFlag { get; init; }

    public long BornTimestamp { get; init; }

    public IPEndPoint BornHost { get; init; } = new(IPAddress.Any, 0);

    public long StoreTimestamp { get; init; }

    public IPEndPoint StoreHost { get; init; } = new(IPAddress.Any, 0);

    public int ReconsumeTimes { get; init; }

    public long PreparedTransactionOffset { get; init; }

    public IReadOnlyDictionary<string, string> Properties { get; init; } = new Dictionary<string, string>();

    /// <summary>The body; still compressed when <see cref="IsBodyCompressed"/> (LZ4 or zstd, which the codec does not undo).</summary>
    public ReadOnlyMemory<byte> Body { get; init; }

    public bool IsBodyCompressed => (SysFlag & MessageSysFlag.Compressed) != 0;
}
