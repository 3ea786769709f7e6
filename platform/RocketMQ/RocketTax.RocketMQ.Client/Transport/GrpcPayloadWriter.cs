using System.Buffers;
using System.Buffers.Binary;
using Grpc.Core;

namespace RocketTax.RocketMQ.Client.Transport;

/// <summary>
/// Serializes one request message into a pooled buffer behind the 5-byte gRPC length prefix (uncompressed), so the
/// message goes out as DATA frames without another copy. Protobuf messages write straight into it.
/// </summary>
internal sealed class GrpcPayloadWriter : SerializationContext, IBufferWriter<byte>, IDisposable
{
    private const int PrefixSize = 5;

    private byte[] _buffer;
    private int _written = PrefixSize;

    private GrpcPayloadWriter(int capacity) => _buffer = ArrayPool<byte>.Shared.Rent(capacity);

    /// <summary>The prefixed message; valid until <see cref="Dispose"/>.</summary>
    public ReadOnlyMemory<byte> Framed { get; private set; }

    public static GrpcPayloadWriter Serialize<T>(Marshaller<T> marshaller, T message)
    {
        var writer = new GrpcPayloadWriter(256);
        try
        {
            marshaller.ContextualSerializer(message, writer);
            var length = writer._written - PrefixSize;
            writer._buffer[0] = 0;
            BinaryPrimitives.WriteInt32BigEndian(writer._buffer.AsSpan(1), length);
            writer.Framed = writer._buffer.AsMemory(0, writer._written);
            return writer;
        }
        catch
        {
            writer.Dispose();
            throw;
        }
    }

    public override IBufferWriter<byte> GetBufferWriter() => this;

    public override void SetPayloadLength(int payloadLength) => Ensure(payloadLength);

    public override void Complete(byte[] payload)
    {
        Ensure(payload.Length);
        payload.CopyTo(_buffer.AsSpan(_written));
        _written += payload.Length;
    }

    public override void Complete()
    {
    }

    public void Advance(int count) => _written += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(Math.Max(sizeHint, 1));
        return _buffer.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(Math.Max(sizeHint, 1));
        return _buffer.AsSpan(_written);
    }

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        Framed = default;
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Ensure(int more)
    {
        if (_buffer.Length - _written >= more)
        {
            return;
        }

        var grown = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _written + more));
        _buffer.AsSpan(0, _written).CopyTo(grown);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = grown;
    }
}
