using System.Buffers.Binary;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace RocketTax.RocketMQ.Remoting.Messages;

/// <summary>
/// The binary form of stored messages that RocketMQ brokers answer <c>VIEW_MESSAGE_BY_ID</c> and <c>QUERY_MESSAGE</c>
/// with (RocketMQ's <c>MessageDecoder</c> layout): one message after another, every integer big-endian.
/// </summary>
/// <remarks>
/// <code>
/// totalSize int32 · magicCode int32 · bodyCRC int32 · queueId int32 · flag int32 · queueOffset int64 ·
/// physicalOffset int64 · sysFlag int32 · bornTimestamp int64 · bornHost (address 4 or 16 bytes, port int32) ·
/// storeTimestamp int64 · storeHost (same) · reconsumeTimes int32 · preparedTransactionOffset int64 ·
/// bodyLength int32 + body · topicLength (1 byte with magic v1, int16 with v2) + topic · propertiesLength int16 + properties
/// </code>
/// A host is IPv6 when its <see cref="MessageSysFlag"/> bit says so; properties are <c>name\u0001value\u0002</c> pairs in UTF-8.
/// </remarks>
public static class MessageExtCodec
{
    /// <summary>Magic of a message whose topic length takes one byte.</summary>
    public const int MagicCodeV1 = unchecked((int)0xDAA320A7);

    /// <summary>Magic of a message whose topic length takes two bytes, for topics longer than 127 bytes.</summary>
    public const int MagicCodeV2 = unchecked((int)0xDAA320AB);

    private const int MaxV1TopicLength = sbyte.MaxValue;

    /// <summary>Every fixed field with IPv4 hosts, plus the three length prefixes at their smallest.</summary>
    private const int MinLength = 4 + 4 + 4 + 4 + 4 + 8 + 8 + 4 + 8 + 8 + 8 + 8 + 4 + 8 + 4 + 1 + 2;

    /// <summary>Encodes one message; <see cref="MessageExt.StoreSize"/> is ignored (the size written is the size encoded), the host bits of its sys flag follow its hosts.</summary>
    /// <exception cref="ArgumentException">The topic or the properties are longer than the form can say (32767 bytes).</exception>
    public static byte[] Encode(MessageExt message)
    {
        var topic = Encoding.UTF8.GetBytes(message.Topic);
        var properties = Encoding.UTF8.GetBytes(MessagePropertiesCodec.Encode(message.Properties));
        if (topic.Length > short.MaxValue || properties.Length > short.MaxValue)
        {
            throw new ArgumentException(
                $"message {message.CommitLogOffset} of topic '{message.Topic}' has a {topic.Length}-byte topic and {properties.Length} bytes of properties; RocketMQ's binary form holds at most {short.MaxValue} of each",
                nameof(message));
        }

        var v2 = topic.Length > MaxV1TopicLength;
        var sysFlag = HostFlag(message.SysFlag, message.BornHost, MessageSysFlag.BornHostV6);
        sysFlag = HostFlag(sysFlag, message.StoreHost, MessageSysFlag.StoreHostV6);
        var body = message.Body.Span;
        var length = MinLength - 8 - 8 + HostLength(message.BornHost) + HostLength(message.StoreHost)
            + body.Length + topic.Length + (v2 ? 1 : 0) + properties.Length;

        var bytes = new byte[length];
        var writer = new Writer(bytes);
        writer.Int32(length);
        writer.Int32(v2 ? MagicCodeV2 : MagicCodeV1);
        writer.Int32(message.BodyCrc);
        writer.Int32(message.QueueId);
        writer.Int32(message.Flag);
        writer.Int64(message.QueueOffset);
        writer.Int64(message.CommitLogOffset);
        writer.Int32(sysFlag);
        writer.Int64(message.BornTimestamp);
        writer.Host(message.BornHost);
        writer.Int64(message.StoreTimestamp);
        writer.Host(message.StoreHost);
        writer.Int32(message.ReconsumeTimes);
        writer.Int64(message.PreparedTransactionOffset);
        writer.Int32(body.Length);
        writer.Bytes(body);
        if (v2)
        {
            writer.Int16((short)topic.Length);
        }
        else
        {
            writer.Byte((byte)topic.Length);
        }

        writer.Bytes(topic);
        writer.Int16((short)properties.Length);
        writer.Bytes(properties);
        return bytes;
    }

    /// <summary>Encodes messages one after another, as a <c>QUERY_MESSAGE</c> answer carries them.</summary>
    public static byte[] EncodeAll(IEnumerable<MessageExt> messages) => [.. messages.SelectMany(Encode)];

    /// <summary>
    /// Decodes every message of <paramref name="bytes"/>. A zlib-compressed body comes back decompressed (and the flag
    /// cleared); LZ4 and zstd bodies stay as they are, marked by <see cref="MessageExt.IsBodyCompressed"/>.
    /// </summary>
    /// <exception cref="RemotingProtocolException">The bytes are not messages in this form: a bad magic code, a size that does not fit.</exception>
    public static IReadOnlyList<MessageExt> DecodeAll(ReadOnlySpan<byte> bytes)
    {
        var messages = new List<MessageExt>();
        while (!bytes.IsEmpty)
        {
            var totalSize = bytes.Length >= 4 ? BinaryPrimitives.ReadInt32BigEndian(bytes) : 0;
            if (totalSize < MinLength || totalSize > bytes.Length)
            {
                throw new RemotingProtocolException(
                    $"message {messages.Count} says it is {totalSize} bytes, and {bytes.Length} bytes are left; a message takes at least {MinLength}");
            }

            messages.Add(Decode(bytes[..totalSize], messages.Count));
            bytes = bytes[totalSize..];
        }

        return messages;
    }

    private static MessageExt Decode(ReadOnlySpan<byte> bytes, int index)
    {
        var reader = new Reader(bytes, index);
        var storeSize = reader.Int32();
        var magic = reader.Int32();
        if (magic is not (MagicCodeV1 or MagicCodeV2))
        {
            throw new RemotingProtocolException($"message {index} has magic code 0x{magic:X8}, not a RocketMQ stored message (0x{MagicCodeV1:X8} or 0x{MagicCodeV2:X8})");
        }

        var bodyCrc = reader.Int32();
        var queueId = reader.Int32();
        var flag = reader.Int32();
        var queueOffset = reader.Int64();
        var commitLogOffset = reader.Int64();
        var sysFlag = reader.Int32();
        var bornTimestamp = reader.Int64();
        var bornHost = reader.Host((sysFlag & MessageSysFlag.BornHostV6) != 0);
        var storeTimestamp = reader.Int64();
        var storeHost = reader.Host((sysFlag & MessageSysFlag.StoreHostV6) != 0);
        var reconsumeTimes = reader.Int32();
        var preparedTransactionOffset = reader.Int64();
        var body = reader.Bytes(reader.Int32()).ToArray();
        var topic = Encoding.UTF8.GetString(reader.Bytes(magic == MagicCodeV2 ? reader.Int16() : reader.Byte()));
        var properties = MessagePropertiesCodec.Decode(Encoding.UTF8.GetString(reader.Bytes(reader.Int16())));

        if ((sysFlag & MessageSysFlag.Compressed) != 0 && MessageSysFlag.IsZlib(sysFlag))
        {
            body = Inflate(body, index);
            sysFlag &= ~(MessageSysFlag.Compressed | MessageSysFlag.CompressionTypeMask);
        }

        return new MessageExt
        {
            Topic = topic,
            QueueId = queueId,
            Flag = flag,
            QueueOffset = queueOffset,
            CommitLogOffset = commitLogOffset,
            StoreSize = storeSize,
            BodyCrc = bodyCrc,
            SysFlag = sysFlag,
            BornTimestamp = bornTimestamp,
            BornHost = bornHost,
            StoreTimestamp = storeTimestamp,
            StoreHost = storeHost,
            ReconsumeTimes = reconsumeTimes,
            PreparedTransactionOffset = preparedTransactionOffset,
            Properties = properties,
            Body = body,
        };
    }

    private static byte[] Inflate(byte[] compressed, int index)
    {
        try
        {
            using var input = new ZLibStream(new MemoryStream(compressed), CompressionMode.Decompress);
            using var output = new MemoryStream();
            input.CopyTo(output);
            return output.ToArray();
        }
        catch (InvalidDataException ex)
        {
            throw new RemotingProtocolException($"message {index} says its body is zlib-compressed, and it is not: {ex.Message}");
        }
    }

    private static int HostLength(IPEndPoint host) => (host.AddressFamily == AddressFamily.InterNetworkV6 ? 16 : 4) + 4;

    private static int HostFlag(int sysFlag, IPEndPoint host, int v6Bit) =>
        host.AddressFamily == AddressFamily.InterNetworkV6 ? sysFlag | v6Bit : sysFlag & ~v6Bit;

    private ref struct Writer(Span<byte> destination)
    {
        private readonly Span<byte> _destination = destination;
        private int _position;

        public void Byte(byte value) => _destination[_position++] = value;

        public void Int16(short value) => Advance(2, BinaryPrimitives.TryWriteInt16BigEndian(_destination[_position..], value));

        public void Int32(int value) => Advance(4, BinaryPrimitives.TryWriteInt32BigEndian(_destination[_position..], value));

        public void Int64(long value) => Advance(8, BinaryPrimitives.TryWriteInt64BigEndian(_destination[_position..], value));

        public void Bytes(ReadOnlySpan<byte> value)
        {
            value.CopyTo(_destination[_position..]);
            _position += value.Length;
        }

        public void Host(IPEndPoint host)
        {
            var address = host.Address.GetAddressBytes();
            Bytes(address);
            Int32(host.Port);
        }

        private void Advance(int count, bool written) => _position += written ? count : throw new InvalidOperationException("the encoded message outgrew its computed length");
    }

    private ref struct Reader(ReadOnlySpan<byte> source, int index)
    {
        private readonly ReadOnlySpan<byte> _source = source;
        private int _position;

        public byte Byte() => Take(1)[0];

        public short Int16() => BinaryPrimitives.ReadInt16BigEndian(Take(2));

        public int Int32() => BinaryPrimitives.ReadInt32BigEndian(Take(4));

        public long Int64() => BinaryPrimitives.ReadInt64BigEndian(Take(8));

        public ReadOnlySpan<byte> Bytes(int count) => count >= 0
            ? Take(count)
            : throw new RemotingProtocolException($"message {index} has a field of negative length ({count}) before byte {_position}");

        public IPEndPoint Host(bool v6)
        {
            var address = new IPAddress(Take(v6 ? 16 : 4));
            var port = Int32();
            return port is >= IPEndPoint.MinPort and <= IPEndPoint.MaxPort
                ? new IPEndPoint(address, port)
                : throw new RemotingProtocolException($"message {index} has a host port of {port}, outside 0..65535");
        }

        private ReadOnlySpan<byte> Take(int count)
        {
            if (count > _source.Length - _position)
            {
                throw new RemotingProtocolException(
                    $"message {index} is {_source.Length} bytes by its totalSize, and its fields run past that at byte {_position}");
            }

            var taken = _source.Slice(_position, count);
            _position += count;
            return taken;
        }
    }
}
