using System.Buffers;

namespace RocketTax.RocketMQ.Client.Transport;

/// <summary>A whole received gRPC message in a pooled buffer, waiting for its reader.</summary>
internal readonly record struct ReceivedMessage(byte[] Buffer, int Length)
{
    public void Return()
    {
        if (Buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(Buffer);
        }
    }
}
