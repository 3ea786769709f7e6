using System.Text;

namespace RocketTax.RocketMQ.Broker.Grpc.Transport;

/// <summary>
/// The strings of a connection's header fields. A client sends the same names, and mostly the same values
/// (client id, version, language, authority), on every call: each name keeps the string of its last value, so a
/// repeated field costs a byte comparison instead of two new strings. The reader's own; not thread-safe.
/// </summary>
internal sealed class HeaderStringCache
{
    private const int MaxNames = 32;
    private const int MaxCachedValueLength = 128;

    private readonly Entry[] _entries = new Entry[MaxNames];
    private int _count;

    public (string Name, string Value) Get(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        var entry = Find(name);
        if (entry is null)
        {
            return (Encoding.ASCII.GetString(name), Encoding.UTF8.GetString(value));
        }

        if (entry.ValueLength >= 0 && value.SequenceEqual(entry.ValueBytes.AsSpan(0, entry.ValueLength)))
        {
            return (entry.Name, entry.Value!);
        }

        var text = Encoding.UTF8.GetString(value);
        if (value.Length <= MaxCachedValueLength)
        {
            value.CopyTo(entry.ValueBytes);
            entry.ValueLength = value.Length;
            entry.Value = text;
        }

        return (entry.Name, text);
    }

    private Entry? Find(ReadOnlySpan<byte> name)
    {
        for (var i = 0; i < _count; i++)
        {
            if (name.SequenceEqual(_entries[i].NameBytes))
            {
                return _entries[i];
            }
        }

        if (_count == MaxNames)
        {
            return null;
        }

        return _entries[_count++] = new Entry(name.ToArray(), Encoding.ASCII.GetString(name));
    }

    private sealed class Entry(byte[] nameBytes, string name)
    {
        public byte[] NameBytes { get; } = nameBytes;

        public string Name { get; } = name;

        public byte[] ValueBytes { get; } = new byte[MaxCachedValueLength];

        public int ValueLength { get; set; } = -1;

        public string? Value { get; set; }
    }
}
