using System.Buffers;
using Grpc.Core;
using RocketTax.RocketMQ.Protocol.Framing;

namespace RocketTax.RocketMQ.Client.Transport;

/// <summary>One request message framed for the wire in a pooled array, which disposing gives back.</summary>
internal sealed class GrpcPayload : IDisposable
{
    private byte[]? _buffer;

    private GrpcPayload(byte[] buffer, int length)
    {
        _buffer = buffer;
        Framed = buffer.AsMemory(0, length);
    }

    /// <summary>The 5-byte prefix and the message; valid until <see cref="Dispose"/>.</summary>
    public ReadOnlyMemory<byte> Framed { get; private set; }

    public static GrpcPayload Serialize<T>(Marshaller<T> marshaller, T message)
    {
        var (buffer, length) = new GrpcMessageWriter().Write(message, marshaller);
        return new GrpcPayload(buffer, length);
    }

    public void Dispose()
    {
        Framed = default;
        if (Interlocked.Exchange(ref _buffer, null) is { } buffer)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
