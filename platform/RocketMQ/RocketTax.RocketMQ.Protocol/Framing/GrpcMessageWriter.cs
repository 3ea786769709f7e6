using System.Buffers;
using System.Buffers.Binary;
using Grpc.Core;

namespace RocketTax.RocketMQ.Protocol.Framing;

/// <summary>
/// Serializes a gRPC message into a pooled array behind its 5-byte prefix (flag 0: not compressed, then the length),
/// ready to go out in DATA frames without another copy; protobuf messages write straight into it. The native
/// transports' one framer: the broker's for responses, the client's for requests. One writer serves a call's messages
/// one after another.
/// </summary>
public sealed class GrpcMessageWriter : SerializationContext, IBufferWriter<byte>
{
    /// <summary>The compressed flag and the big-endian length before every message.</summary>
    public const int PrefixSize = 5;

    private byte[] _buffer = [];
    private int _written;

    /// <summary>
    /// Serializes <paramref name="message"/>; the caller owns the returned array (prefix and message in its first
    /// <c>Length</c> bytes) and gives it back to <see cref="ArrayPool{T}.Shared"/>.
    /// </summary>
    public (byte[] Buffer, int Length) Write<T>(T message, Marshaller<T> marshaller)
    {
        ArgumentNullException.ThrowIfNull(marshaller);
        _buffer = ArrayPool<byte>.Shared.Rent(256);
        _written = PrefixSize;
        try
        {
            marshaller.ContextualSerializer(message, this);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
            throw;
        }

        var buffer = _buffer;
        var length = _written;
        buffer[0] = 0;
        BinaryPrimitives.WriteInt32BigEndian(buffer.AsSpan(1), length - PrefixSize);
        _buffer = [];
        return (buffer, length);
    }

    public override void SetPayloadLength(int payloadLength) => Ensure(payloadLength);

    public override IBufferWriter<byte> GetBufferWriter() => this;

    public override void Complete()
    {
    }

    public override void Complete(byte[] payload)
    {
        Ensure(payload.Length);
        payload.CopyTo(_buffer, _written);
        _written += payload.Length;
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

    private void Ensure(int more)
    {
        if (_buffer.Length - _written >= more)
        {
            return;
        }

        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_written + more, _buffer.Length * 2));
        _buffer.AsSpan(0, _written).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = larger;
    }
}
