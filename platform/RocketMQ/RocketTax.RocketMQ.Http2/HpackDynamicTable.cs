namespace RocketTax.RocketMQ.Http2;

/// <summary>
/// The fields a peer's encoder told ours to remember (RFC 7541, 2.3.2), newest first, within a size budget where each
/// field counts its name, its value and 32 bytes.
/// </summary>
internal sealed class HpackDynamicTable(int maxSize)
{
    private const int EntryOverhead = 32;

    // A ring of fields, each one array holding name then value.
    private (byte[] Field, int NameLength)[] _entries = new (byte[], int)[16];
    private int _newest = -1;
    private int _size;

    public int Count { get; private set; }

    public int MaxSize { get; private set; } = maxSize;

    /// <summary>The field at a 0-based index, 0 the newest.</summary>
    public (ReadOnlyMemory<byte> Name, ReadOnlyMemory<byte> Value) this[int index]
    {
        get
        {
            var (field, nameLength) = _entries[(_newest - index + _entries.Length) % _entries.Length];
            return (field.AsMemory(0, nameLength), field.AsMemory(nameLength));
        }
    }

    /// <summary>Adds a field, evicting the oldest until it fits; a field larger than the whole table empties it.</summary>
    public void Insert(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        // Copied before evicting: the name may be an entry about to go.
        var field = new byte[name.Length + value.Length];
        name.CopyTo(field);
        value.CopyTo(field.AsSpan(name.Length));
        var size = field.Length + EntryOverhead;
        EvictUntil(MaxSize - size);
        if (size > MaxSize)
        {
            return;
        }

        if (Count == _entries.Length)
        {
            Grow();
        }

        _newest = (_newest + 1) % _entries.Length;
        _entries[_newest] = (field, name.Length);
        Count++;
        _size += size;
    }

    /// <summary>A dynamic table size update: evicts what no longer fits.</summary>
    public void Resize(int maxSize)
    {
        MaxSize = maxSize;
        EvictUntil(maxSize);
    }

    private void EvictUntil(int size)
    {
        while (Count > 0 && _size > Math.Max(0, size))
        {
            var oldest = (_newest - Count + 1 + _entries.Length) % _entries.Length;
            _size -= _entries[oldest].Field.Length + EntryOverhead;
            _entries[oldest] = default;
            Count--;
        }
    }

    private void Grow()
    {
        var grown = new (byte[], int)[_entries.Length * 2];
        for (var i = 0; i < Count; i++)
        {
            grown[Count - 1 - i] = _entries[(_newest - i + _entries.Length) % _entries.Length];
        }

        _entries = grown;
        _newest = Count - 1;
    }
}
