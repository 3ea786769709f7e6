using System.Buffers.Binary;
using System.Text;

namespace RocketTax.RocketMQ.Remoting.Messages;

/// <summary>One message of a <c>SEND_BATCH_MESSAGE</c> body.</summary>
public sealed record BatchMessage(int Flag, ReadOnlyMemory<byte> Body, string Properties);

/// <summary>
/// The body of <c>SEND_BATCH_MESSAGE</c>: the messages one after another, each
/// <c>totalSize int32 · magicCode int32 (0) · bodyCRC int32 (0) · flag int32 · bodyLength int32 + body ·
/// propertiesLength int16 + properties (UTF-8)</c>, every integer big-endian, as 4.x producers encode a batch.
/// </summary>
public static class MessageBatchCodec
{
    private const int FixedLength = 4 + 4 + 4 + 4 + 4 + 2;

    public static byte[] Encode(IReadOnlyList<BatchMessage> messages)
    {
        var properties = messages.Select(message => Encoding.UTF8.GetBytes(message.Properties)).ToArray();
        var total = 0;
        for (var i = 0; i < messages.Count; i++)
        {
            if (properties[i].Length > short.MaxValue)
            {
                throw new ArgumentException($"message {i} has {properties[i].Length} bytes of properties, over the {short.MaxValue} a batch can carry", nameof(messages));
            }

            total += FixedLength + messages[i].Body.Length + properties[i].Length;
        }

        var bytes = new byte[total];
        var at = 0;
        for (var i = 0; i < messages.Count; i++)
        {
            var span = bytes.AsSpan(at);
            var size = FixedLength + messages[i].Body.Length + properties[i].Length;
            BinaryPrimitives.WriteInt32BigEndian(span, size);
            BinaryPrimitives.WriteInt32BigEndian(span[12..], messages[i].Flag);
            BinaryPrimitives.WriteInt32BigEndian(span[16..], messages[i].Body.Length);
            messages[i].Body.Span.CopyTo(span[20..]);
            BinaryPrimitives.WriteInt16BigEndian(span[(20 + messages[i].Body.Length)..], (short)properties[i].Length);
            properties[i].CopyTo(span[(22 + messages[i].Body.Length)..]);
            at += size;
        }

        return bytes;
    }

    /// <summary>Reads every message of <paramref name="body"/>; the bodies are slices of it, not copies.</summary>
    /// <exception cref="RemotingProtocolException">A length that points outside the body or disagrees with the message's size.</exception>
    public static List<BatchMessage> Decode(ReadOnlyMemory<byte> body)
    {
        var messages = new List<BatchMessage>();
        var at = 0;
        while (at < body.Length)
        {
            var span = body.Span[at..];
            if (span.Length < FixedLength)
            {
                throw new RemotingProtocolException($"batch message {messages.Count} is cut short: {span.Length} bytes left, a message needs at least {FixedLength}");
            }

            var size = BinaryPrimitives.ReadInt32BigEndian(span);
            var bodyLength = BinaryPrimitives.ReadInt32BigEndian(span[16..]);
            if (size < FixedLength || size > span.Length || bodyLength < 0 || bodyLength > size - FixedLength)
            {
                throw new RemotingProtocolException($"batch message {messages.Count} says it is {size} bytes with a {bodyLength}-byte body, and {span.Length} bytes are left");
            }

            var propertiesLength = BinaryPrimitives.ReadInt16BigEndian(span[(20 + bodyLength)..]);
            if (FixedLength + bodyLength + propertiesLength != size)
            {
                throw new RemotingProtocolException($"batch message {messages.Count} says it is {size} bytes, and its body ({bodyLength}) and properties ({propertiesLength}) make {FixedLength + bodyLength + propertiesLength}");
            }

            var flag = BinaryPrimitives.ReadInt32BigEndian(span[12..]);
            var properties = Encoding.UTF8.GetString(span.Slice(22 + bodyLength, propertiesLength));
            messages.Add(new BatchMessage(flag, body.Slice(at + 20, bodyLength), properties));
            at += size;
        }

        return messages;
    }
}
