using System.Buffers;
using Grpc.Core;

namespace RocketTax.RocketMQ.Broker.Grpc.Transport;

/// <summary>Hands one received message's payload (without its gRPC prefix) to a marshaller.</summary>
internal sealed class GrpcMessageReader : DeserializationContext
{
    private ReadOnlySequence<byte> _payload;

    public override int PayloadLength => (int)_payload.Length;

    public T Read<T>(Marshaller<T> marshaller, ReadOnlyMemory<byte> payload)
    {
        _payload = new ReadOnlySequence<byte>(payload);
        try
        {
            return marshaller.ContextualDeserializer(this);
        }
        finally
        {
            _payload = default;
        }
    }

    public override byte[] PayloadAsNewBuffer() => _payload.ToArray();

    public override ReadOnlySequence<byte> PayloadAsReadOnlySequence() => _payload;
}
