using System.Buffers;

namespace RocketTax.RocketMQ.Broker.Store;

/// <summary>The appender's reusable, pooled encode buffer; grows by renting a bigger array and never shrinks.</summary>
internal sealed class BatchBuffer : IDisposable
{
    private byte[] _array;

    public BatchBuffer(int initialSize) => _array = ArrayPool<byte>.Shared.Rent(initialSize);

    public byte[] Array => _array;

    /// <summary>A writable span at <paramref name="position"/>, growing the buffer (and keeping its content) when needed.</summary>
    public Span<byte> GetSpan(int position, int length)
    {
        var required = position + length;
        if (required > _array.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(required, _array.Length * 2));
            _array.AsSpan(0, position).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_array);
            _array = bigger;
        }

        return _array.AsSpan(position, length);
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_array);
        _array = [];
    }
}
