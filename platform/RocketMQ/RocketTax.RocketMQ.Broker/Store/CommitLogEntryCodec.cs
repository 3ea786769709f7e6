using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace RocketTax.RocketMQ.Broker.Store;

/// <summary>Encodes and decodes commit-log entries.</summary>
/// <remarks>
/// Entry layout, all integers little-endian (RocketMQ uses big-endian; nothing outside this store reads the bytes):
/// <code>
///  off size field
///    0   4  totalSize       int32, bytes of the whole entry including this field
///    4   4  magic           int32, <see cref="MessageMagic"/>
///    8   4  entryCrc        uint32, CRC-32 (IEEE) of bytes [12, totalSize): everything after this field
///   12   4  bodyCrc         uint32, CRC-32 (IEEE) of the body
///   16   4  queueId         int32
///   20   4  flag            int32
///   24   8  queueOffset     int64
///   32   8  physicalOffset  int64, the entry's own commit-log offset (catches entries read at a wrong offset)
///   40   8  bornTimestamp   int64, ms since the Unix epoch
///   48   8  storeTimestamp  int64, ms since the Unix epoch
///   56   4  reconsumeTimes  int32
///   60      bornHost, storeHost, topic, tag, properties: each int32 byte length + UTF-8 bytes (empty tag = no tag)
///           properties as RocketMQ encodes them: key \u0001 value \u0002 key \u0001 value \u0002 ...
///     ...   bodyLength int32 + body bytes
/// </code>
/// A segment that cannot take the next entry ends with an end-of-segment marker: totalSize = bytes left in the
/// segment, magic = <see cref="BlankMagic"/> (only those 8 bytes are written). Every message entry leaves at least
/// <see cref="BlankLength"/> bytes in its segment so the marker always fits.
/// </remarks>
internal static class CommitLogEntryCodec
{
    public const int MessageMagic = 0x52544D47; // "RTMG"
    public const int BlankMagic = 0x5254424B;   // "RTBK"
    public const int BlankLength = 8;
    public const int FixedHeaderLength = 60;

    /// <summary>Fixed part plus the six length prefixes: the smallest possible entry.</summary>
    public const int MinEntryLength = FixedHeaderLength + (6 * sizeof(int));

    public const char NameValueSeparator = '\u0001';
    public const char PropertySeparator = '\u0002';

    private const int CrcStart = 12;

    /// <summary>Encoded size of <paramref name="message"/>, given the UTF-8 length of the store host.</summary>
    public static int ComputeLength(MessageRecord message, int storeHostByteCount)
    {
        long length = MinEntryLength
            + Encoding.UTF8.GetByteCount(message.BornHost)
            + storeHostByteCount
            + Encoding.UTF8.GetByteCount(message.Topic)
            + (message.Tag is null ? 0 : Encoding.UTF8.GetByteCount(message.Tag))
            + ComputePropertiesLength(message.Properties)
            + message.Body.Length;
        return length > int.MaxValue ? int.MaxValue : (int)length;
    }

    /// <summary>Writes the entry into <paramref name="destination"/>, which is exactly the computed length.</summary>
    public static void Encode(
        Span<byte> destination,
        MessageRecord message,
        ReadOnlySpan<byte> storeHost,
        long queueOffset,
        long physicalOffset,
        long storeTimestamp)
    {
        var body = message.Body.Span;
        BinaryPrimitives.WriteInt32LittleEndian(destination, destination.Length);
        BinaryPrimitives.WriteInt32LittleEndian(destination[4..], MessageMagic);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[12..], Crc32.HashToUInt32(body));
        BinaryPrimitives.WriteInt32LittleEndian(destination[16..], message.QueueId);
        BinaryPrimitives.WriteInt32LittleEndian(destination[20..], message.Flag);
        BinaryPrimitives.WriteInt64LittleEndian(destination[24..], queueOffset);
        BinaryPrimitives.WriteInt64LittleEndian(destination[32..], physicalOffset);
        BinaryPrimitives.WriteInt64LittleEndian(destination[40..], message.BornTimestamp);
        BinaryPrimitives.WriteInt64LittleEndian(destination[48..], storeTimestamp);
        BinaryPrimitives.WriteInt32LittleEndian(destination[56..], message.ReconsumeTimes);

        var position = FixedHeaderLength;
        position += WriteString(destination[position..], message.BornHost);
        BinaryPrimitives.WriteInt32LittleEndian(destination[position..], storeHost.Length);
        storeHost.CopyTo(destination[(position + 4)..]);
        position += 4 + storeHost.Length;
        position += WriteString(destination[position..], message.Topic);
        position += WriteString(destination[position..], message.Tag);
        position += WriteProperties(destination[position..], message.Properties);
        BinaryPrimitives.WriteInt32LittleEndian(destination[position..], body.Length);
        body.CopyTo(destination[(position + 4)..]);
        position += 4 + body.Length;

        if (position != destination.Length)
        {
            // Sizes were computed by the caller; a mismatch means the message changed while it was being put.
            throw new InvalidOperationException(
                $"A message of topic '{message.Topic}' encoded to {position} bytes instead of {destination.Length}; do not modify a MessageRecord's properties while it is being put.");
        }

        BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], Crc32.HashToUInt32(destination[CrcStart..]));
    }

    /// <summary>Writes an end-of-segment marker saying the rest of the segment (<paramref name="remaining"/> bytes) is unused.</summary>
    public static void EncodeBlank(Span<byte> destination, int remaining)
    {
        BinaryPrimitives.WriteInt32LittleEndian(destination, remaining);
        BinaryPrimitives.WriteInt32LittleEndian(destination[4..], BlankMagic);
    }

    public static int ReadTotalSize(ReadOnlySpan<byte> entry) => BinaryPrimitives.ReadInt32LittleEndian(entry);

    public static int ReadMagic(ReadOnlySpan<byte> entry) => BinaryPrimitives.ReadInt32LittleEndian(entry[4..]);

    /// <summary>True when <paramref name="entry"/> is a complete, intact message entry written at <paramref name="physicalOffset"/>.</summary>
    public static bool IsValid(ReadOnlySpan<byte> entry, long physicalOffset)
    {
        if (entry.Length < MinEntryLength
            || ReadTotalSize(entry) != entry.Length
            || ReadMagic(entry) != MessageMagic
            || BinaryPrimitives.ReadInt64LittleEndian(entry[32..]) != physicalOffset)
        {
            return false;
        }

        return BinaryPrimitives.ReadUInt32LittleEndian(entry[8..]) == Crc32.HashToUInt32(entry[CrcStart..])
            && TryLocateFields(entry, out _);
    }

    /// <summary>What the consume queue needs from an entry that <see cref="IsValid"/> accepted.</summary>
    public static (string Topic, int QueueId, long QueueOffset, long TagHashCode) ReadDispatchInfo(ReadOnlySpan<byte> entry)
    {
        TryLocateFields(entry, out var fields);
        var topic = Encoding.UTF8.GetString(entry.Slice(fields.Topic.Offset, fields.Topic.Length));
        var tagBytes = entry.Slice(fields.Tag.Offset, fields.Tag.Length);
        long tagHash = 0;
        if (!tagBytes.IsEmpty)
        {
            // Tags are short; decoding to a stack buffer avoids a string per entry during recovery.
            Span<char> chars = tagBytes.Length <= 256 ? stackalloc char[tagBytes.Length] : new char[tagBytes.Length];
            var count = Encoding.UTF8.GetChars(tagBytes, chars);
            tagHash = TagHash.Of(chars[..count]);
        }

        return (topic,
            BinaryPrimitives.ReadInt32LittleEndian(entry[16..]),
            BinaryPrimitives.ReadInt64LittleEndian(entry[24..]),
            tagHash);
    }

    /// <summary>Decodes an entry that <see cref="IsValid"/> accepted.</summary>
    public static StoredMessage Decode(ReadOnlySpan<byte> entry)
    {
        TryLocateFields(entry, out var fields);
        var tag = fields.Tag.Length == 0 ? null : Encoding.UTF8.GetString(entry.Slice(fields.Tag.Offset, fields.Tag.Length));
        return new StoredMessage(
            Topic: Encoding.UTF8.GetString(entry.Slice(fields.Topic.Offset, fields.Topic.Length)),
            QueueId: BinaryPrimitives.ReadInt32LittleEndian(entry[16..]),
            QueueOffset: BinaryPrimitives.ReadInt64LittleEndian(entry[24..]),
            CommitLogOffset: BinaryPrimitives.ReadInt64LittleEndian(entry[32..]),
            StoreSize: entry.Length,
            Tag: tag,
            Properties: DecodeProperties(entry.Slice(fields.Properties.Offset, fields.Properties.Length)),
            Body: entry.Slice(fields.Body.Offset, fields.Body.Length).ToArray(),
            BodyCrc: BinaryPrimitives.ReadUInt32LittleEndian(entry[12..]),
            BornTimestamp: BinaryPrimitives.ReadInt64LittleEndian(entry[40..]),
            BornHost: Encoding.UTF8.GetString(entry.Slice(fields.BornHost.Offset, fields.BornHost.Length)),
            StoreTimestamp: BinaryPrimitives.ReadInt64LittleEndian(entry[48..]),
            StoreHost: Encoding.UTF8.GetString(entry.Slice(fields.StoreHost.Offset, fields.StoreHost.Length)),
            ReconsumeTimes: BinaryPrimitives.ReadInt32LittleEndian(entry[56..]),
            Flag: BinaryPrimitives.ReadInt32LittleEndian(entry[20..]));
    }

    private static int ComputePropertiesLength(IReadOnlyDictionary<string, string> properties)
    {
        var length = 0;
        // Enumerating the concrete type avoids boxing an enumerator per message on the hot path.
        if (properties is Dictionary<string, string> dictionary)
        {
            foreach (var (key, value) in dictionary)
            {
                length += Encoding.UTF8.GetByteCount(key) + Encoding.UTF8.GetByteCount(value) + 2;
            }
        }
        else
        {
            foreach (var (key, value) in properties)
            {
                length += Encoding.UTF8.GetByteCount(key) + Encoding.UTF8.GetByteCount(value) + 2;
            }
        }

        return length;
    }

    private static int WriteString(Span<byte> destination, string? value)
    {
        var count = value is null ? 0 : Encoding.UTF8.GetBytes(value, destination[4..]);
        BinaryPrimitives.WriteInt32LittleEndian(destination, count);
        return 4 + count;
    }

    private static int WriteProperties(Span<byte> destination, IReadOnlyDictionary<string, string> properties)
    {
        var position = 4;
        if (properties is Dictionary<string, string> dictionary)
        {
            foreach (var (key, value) in dictionary)
            {
                position += WriteProperty(destination[position..], key, value);
            }
        }
        else
        {
            foreach (var (key, value) in properties)
            {
                position += WriteProperty(destination[position..], key, value);
            }
        }

        BinaryPrimitives.WriteInt32LittleEndian(destination, position - 4);
        return position;
    }

    private static int WriteProperty(Span<byte> destination, string key, string value)
    {
        var position = Encoding.UTF8.GetBytes(key, destination);
        destination[position++] = (byte)NameValueSeparator;
        position += Encoding.UTF8.GetBytes(value, destination[position..]);
        destination[position++] = (byte)PropertySeparator;
        return position;
    }

    private static Dictionary<string, string> DecodeProperties(ReadOnlySpan<byte> encoded)
    {
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        while (!encoded.IsEmpty)
        {
            var end = encoded.IndexOf((byte)PropertySeparator);
            var pair = end < 0 ? encoded : encoded[..end];
            var separator = pair.IndexOf((byte)NameValueSeparator);
            if (separator >= 0)
            {
                properties[Encoding.UTF8.GetString(pair[..separator])] = Encoding.UTF8.GetString(pair[(separator + 1)..]);
            }

            encoded = end < 0 ? default : encoded[(end + 1)..];
        }

        return properties;
    }

    /// <summary>Finds the variable-length fields; false when a length prefix points outside the entry.</summary>
    private static bool TryLocateFields(ReadOnlySpan<byte> entry, out EntryFields fields)
    {
        fields = default;
        var position = FixedHeaderLength;
        if (!TryNext(entry, ref position, out fields.BornHost)
            || !TryNext(entry, ref position, out fields.StoreHost)
            || !TryNext(entry, ref position, out fields.Topic)
            || !TryNext(entry, ref position, out fields.Tag)
            || !TryNext(entry, ref position, out fields.Properties)
            || !TryNext(entry, ref position, out fields.Body))
        {
            return false;
        }

        return position == entry.Length;
    }

    private static bool TryNext(ReadOnlySpan<byte> entry, ref int position, out (int Offset, int Length) field)
    {
        field = default;
        if (position + 4 > entry.Length)
        {
            return false;
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(entry[position..]);
        if (length < 0 || length > entry.Length - position - 4)
        {
            return false;
        }

        field = (position + 4, length);
        position += 4 + length;
        return true;
    }

    private struct EntryFields
    {
        public (int Offset, int Length) BornHost;
        public (int Offset, int Length) StoreHost;
        public (int Offset, int Length) Topic;
        public (int Offset, int Length) Tag;
        public (int Offset, int Length) Properties;
        public (int Offset, int Length) Body;
    }
}
