using System.Buffers.Binary;
using System.Text;
using Grpc.Core;

namespace RocketTax.RocketMQ.Client.Transport;

/// <summary>
/// The header fields of a response block kept as bytes, and made <see cref="Metadata"/> only if someone asks: most
/// calls never look at their headers or trailers, and a Metadata costs several objects per field.
/// </summary>
internal sealed class ReceivedHeaders
{
    private byte[] _fields = new byte[128];
    private int _length;
    private Metadata? _metadata;

    /// <summary>The fields as metadata (a fresh empty one for none); binary (<c>-bin</c>) values base64-decoded.</summary>
    public static Metadata ToMetadata(ReceivedHeaders? headers) => headers?.ToMetadata() ?? [];

    public void Add(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        var needed = _length + 8 + name.Length + value.Length;
        if (needed > _fields.Length)
        {
            Array.Resize(ref _fields, Math.Max(needed, _fields.Length * 2));
        }

        var span = _fields.AsSpan(_length);
        BinaryPrimitives.WriteInt32LittleEndian(span, name.Length);
        name.CopyTo(span[4..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[(4 + name.Length)..], value.Length);
        value.CopyTo(span[(8 + name.Length)..]);
        _length = needed;
    }

    private Metadata ToMetadata()
    {
        if (Volatile.Read(ref _metadata) is { } built)
        {
            return built;
        }

        var metadata = new Metadata();
        var fields = _fields.AsSpan(0, _length);
        while (!fields.IsEmpty)
        {
            var nameLength = BinaryPrimitives.ReadInt32LittleEndian(fields);
            var name = fields.Slice(4, nameLength);
            var valueLength = BinaryPrimitives.ReadInt32LittleEndian(fields[(4 + nameLength)..]);
            var value = fields.Slice(8 + nameLength, valueLength);
            Add(metadata, name, value);
            fields = fields[(8 + nameLength + valueLength)..];
        }

        return Interlocked.CompareExchange(ref _metadata, metadata, null) ?? metadata;
    }

    private static void Add(Metadata metadata, ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        var key = Encoding.ASCII.GetString(name);
        if (!key.EndsWith(Metadata.BinaryHeaderSuffix, StringComparison.Ordinal))
        {
            metadata.Add(key, Encoding.ASCII.GetString(value));
            return;
        }

        // Binary values travel base64-encoded, padding optional; one that does not decode is left out.
        var padded = Encoding.ASCII.GetString(value).PadRight((value.Length + 3) / 4 * 4, '=');
        var bytes = new byte[padded.Length / 4 * 3];
        if (Convert.TryFromBase64String(padded, bytes, out var written))
        {
            metadata.Add(key, bytes.AsSpan(0, written).ToArray());
        }
    }
}
