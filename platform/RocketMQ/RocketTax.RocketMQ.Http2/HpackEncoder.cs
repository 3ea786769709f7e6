using System.Buffers;
using System.Text;

namespace RocketTax.RocketMQ.Http2;

/// <summary>
/// Encodes header fields without state: a field in the static table is one indexed byte, any other a literal that is not
/// indexed (naming a static entry when it can), with no Huffman coding. Any decoder accepts it, one encoder serves every
/// stream, and a block of fields that never change can be encoded once and sent again as bytes.
/// </summary>
public sealed class HpackEncoder
{
    private const int StackLimit = 256;

    /// <summary>Encodes one field; name (lower case) and value are ASCII, as HTTP/2 and gRPC metadata require.</summary>
    public void Encode(IBufferWriter<byte> output, string name, string value)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        var length = name.Length + value.Length;
        var rented = length > StackLimit ? ArrayPool<byte>.Shared.Rent(length) : null;
        try
        {
            var bytes = rented is null ? stackalloc byte[length] : rented.AsSpan(0, length);
            Encoding.ASCII.GetBytes(name, bytes);
            Encoding.ASCII.GetBytes(value, bytes[name.Length..]);
            Encode(output, bytes[..name.Length], bytes[name.Length..]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Encodes one field given as bytes.</summary>
    public void Encode(IBufferWriter<byte> output, ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        var index = HpackStaticTable.Find(name, value, out var nameIndex);
        var span = output.GetSpan(16 + name.Length + value.Length);
        var written = 0;
        if (index != 0)
        {
            WriteInteger(span, ref written, index, 7, 0x80);
        }
        else
        {
            WriteInteger(span, ref written, nameIndex, 4, 0x00);
            if (nameIndex == 0)
            {
                WriteString(span, ref written, name);
            }

            WriteString(span, ref written, value);
        }

        output.Advance(written);
    }

    private static void WriteString(Span<byte> span, ref int written, ReadOnlySpan<byte> text)
    {
        WriteInteger(span, ref written, text.Length, 7, 0x00);
        text.CopyTo(span[written..]);
        written += text.Length;
    }

    /// <summary>An integer with an N-bit prefix (RFC 7541, 5.1), the bits above the prefix set to <paramref name="pattern"/>.</summary>
    private static void WriteInteger(Span<byte> span, ref int written, int value, int prefixBits, byte pattern)
    {
        var mask = (1 << prefixBits) - 1;
        if (value < mask)
        {
            span[written++] = (byte)(pattern | value);
            return;
        }

        span[written++] = (byte)(pattern | mask);
        value -= mask;
        while (value >= 0x80)
        {
            span[written++] = (byte)((value & 0x7F) | 0x80);
            value >>= 7;
        }

        span[written++] = (byte)value;
    }
}
