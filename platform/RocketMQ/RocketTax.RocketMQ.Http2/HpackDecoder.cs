using System.Buffers;

namespace RocketTax.RocketMQ.Http2;

/// <summary>
/// Decodes the header blocks one peer sends on one connection (RFC 7541): its dynamic table lives from block to block, so
/// blocks must come in the order they arrived. Not thread-safe: a connection reads frames on one loop.
/// </summary>
/// <param name="maxDynamicTableSize">SETTINGS_HEADER_TABLE_SIZE as we announced it: the most the peer may resize the table to.</param>
/// <param name="maxHeaderListSize">The largest header list accepted (names, values and 32 bytes a field).</param>
public sealed class HpackDecoder(int maxDynamicTableSize = 4096, int maxHeaderListSize = 64 * 1024)
{
    private const int FieldOverhead = 32;
    private readonly HpackDynamicTable _table = new(maxDynamicTableSize);
    private byte[] _huffmanName = new byte[64];
    private byte[] _huffmanValue = new byte[256];

    /// <summary>
    /// Decodes one whole header block (a HEADERS payload and its CONTINUATIONs, joined) and hands each field to
    /// <paramref name="handler"/>. Bad input, or a list over the limit, is a COMPRESSION_ERROR: the connection cannot go on,
    /// since the table may now differ from the peer's.
    /// </summary>
    public void Decode(ReadOnlySequence<byte> headerBlock, IHpackHeaderHandler handler)
    {
        if (headerBlock.IsSingleSegment)
        {
            Decode(headerBlock.FirstSpan, handler);
            return;
        }

        var joined = ArrayPool<byte>.Shared.Rent((int)headerBlock.Length);
        try
        {
            headerBlock.CopyTo(joined);
            Decode(joined.AsSpan(0, (int)headerBlock.Length), handler);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(joined);
        }
    }

    private void Decode(ReadOnlySpan<byte> block, IHpackHeaderHandler handler)
    {
        var position = 0;
        var listSize = 0;
        var fieldSeen = false;
        while (position < block.Length)
        {
            var first = block[position];
            Field field;
            if ((first & 0x80) != 0)
            {
                field = Indexed(ReadInteger(block, ref position, 7));
            }
            else if ((first & 0xC0) == 0x40)
            {
                // Literal with incremental indexing.
                field = Literal(block, ref position, 6);
                _table.Insert(field.Name, field.Value);
            }
            else if ((first & 0xE0) == 0x20)
            {
                if (fieldSeen)
                {
                    throw Error("a dynamic table size update came after a header field");
                }

                var size = ReadInteger(block, ref position, 5);
                if (size > maxDynamicTableSize)
                {
                    throw Error($"a dynamic table size update to {size} is over the {maxDynamicTableSize} allowed");
                }

                _table.Resize(size);
                continue;
            }
            else
            {
                // Literal without indexing (0000) or never indexed (0001): neither goes into the table.
                field = Literal(block, ref position, 4);
            }

            fieldSeen = true;
            listSize += field.Name.Length + field.Value.Length + FieldOverhead;
            if (listSize > maxHeaderListSize)
            {
                throw Error($"the header list is over {maxHeaderListSize} bytes");
            }

            handler.OnHeader(field.Name, field.Value);
        }
    }

    private Field Indexed(int index)
    {
        if (index == 0)
        {
            throw Error("an indexed field with index 0");
        }

        if (index <= HpackStaticTable.Count)
        {
            var (name, value) = HpackStaticTable.Get(index);
            return new Field(name, value);
        }

        if (index - HpackStaticTable.Count > _table.Count)
        {
            throw Error($"index {index} is past the dynamic table's {_table.Count} fields");
        }

        var (dynamicName, dynamicValue) = _table[index - HpackStaticTable.Count - 1];
        return new Field(dynamicName.Span, dynamicValue.Span);
    }

    private Field Literal(ReadOnlySpan<byte> block, scoped ref int position, int prefixBits)
    {
        var nameIndex = ReadInteger(block, ref position, prefixBits);
        var name = nameIndex == 0 ? ReadString(block, ref position, ref _huffmanName) : Indexed(nameIndex).Name;
        return new Field(name, ReadString(block, ref position, ref _huffmanValue));
    }

    private static ReadOnlySpan<byte> ReadString(ReadOnlySpan<byte> block, scoped ref int position, ref byte[] huffmanBuffer)
    {
        if (position >= block.Length)
        {
            throw Error("the block ends before a string");
        }

        var huffman = (block[position] & 0x80) != 0;
        var length = ReadInteger(block, ref position, 7);
        if (length > block.Length - position)
        {
            throw Error($"a string of {length} bytes runs past the end of the block");
        }

        var raw = block.Slice(position, length);
        position += length;
        if (!huffman)
        {
            return raw;
        }

        // Every code is at least 5 bits, so n bytes decode to at most 8n/5 symbols.
        var most = (length * 8 / 5) + 1;
        if (huffmanBuffer.Length < most)
        {
            huffmanBuffer = new byte[Math.Max(most, huffmanBuffer.Length * 2)];
        }

        return huffmanBuffer.AsSpan(0, HpackHuffman.Decode(raw, huffmanBuffer));
    }

    /// <summary>An integer with an N-bit prefix (RFC 7541, 5.1); values past 2^28 are refused as no sane peer sends them.</summary>
    private static int ReadInteger(ReadOnlySpan<byte> block, scoped ref int position, int prefixBits)
    {
        var mask = (1 << prefixBits) - 1;
        var value = block[position++] & mask;
        if (value < mask)
        {
            return value;
        }

        for (var shift = 0; shift <= 21; shift += 7)
        {
            if (position >= block.Length)
            {
                throw Error("the block ends inside an integer");
            }

            var next = block[position++];
            value += (next & 0x7F) << shift;
            if ((next & 0x80) == 0)
            {
                return value;
            }
        }

        throw Error("an integer over 2^28");
    }

    private static Http2ProtocolException Error(string message) => new(Http2ErrorCode.CompressionError, "HPACK: " + message);

    private readonly ref struct Field(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        public ReadOnlySpan<byte> Name { get; } = name;

        public ReadOnlySpan<byte> Value { get; } = value;
    }
}
