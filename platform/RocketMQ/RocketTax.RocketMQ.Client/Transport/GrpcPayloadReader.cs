using System.Buffers;
using Grpc.Core;

namespace RocketTax.RocketMQ.Client.Transport;

/// <summary>One received message (without its prefix) handed to a marshaller; the buffer is pooled.</summary>
internal sealed class GrpcPayloadReader(byte[] buffer, int length) : DeserializationContext
{
    public override int PayloadLength => length;

    public override byte[] PayloadAsNewBuffer() => buffer.AsSpan(0, length).ToArray();

    public override ReadOnlySequence<byte> PayloadAsReadOnlySequence() => new(buffer, 0, length);

    /// <summary>Deserializes the message and gives its buffer back to the pool.</summary>
    public static T Deserialize<T>(Marshaller<T> marshaller, ReceivedMessage message)
    {
        try
        {
            return marshaller.ContextualDeserializer(new GrpcPayloadReader(message.Buffer, message.Length));
        }
        finally
        {
            message.Return();
        }
    }
}
