namespace RocketTax.RocketMQ.Http2;

/// <summary>
/// Decodes HPACK's Huffman-coded strings (RFC 7541, appendix B). The code is canonical, so the table is only each symbol's
/// code length; the codes follow from the lengths. Codes of up to 8 bits (most header text) decode with one table lookup.
/// </summary>
internal static class HpackHuffman
{
    private const int EndOfString = 256;
    private const int MaxCodeLength = 30;
    private const int FastBits = 8;

    /// <summary>Code length in bits of symbols 0..255 and of the end-of-string symbol (256).</summary>
    private static readonly byte[] CodeLengths =
    [
        13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28, // 0x00
        28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28, // 0x10
        6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6, //           ' ' .. '/'
        5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10, //               '0' .. '?'
        13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, //                 '@' .. 'O'
        7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6, //              'P' .. '_'
        15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5, //                 '`' .. 'o'
        6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28, //             'p' .. 0x7f
        20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23, // 0x80
        24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24, // 0x90
        22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23, // 0xa0
        21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23, // 0xb0
        26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25, // 0xc0
        19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27, // 0xd0
        20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23, // 0xe0
        26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26, // 0xf0
        30, //                                                             end of string
    ];

    // Canonical code: symbols ordered by (length, symbol), codes of one length consecutive from FirstCode[length].
    private static readonly ushort[] SymbolsByCode = [.. Enumerable.Range(0, CodeLengths.Length).OrderBy(s => CodeLengths[s]).ThenBy(s => s).Select(s => (ushort)s)];
    private static readonly int[] CountOfLength = new int[MaxCodeLength + 1];
    private static readonly int[] FirstCode = new int[MaxCodeLength + 1];
    private static readonly int[] FirstSymbolIndex = new int[MaxCodeLength + 1];

    // For every 8-bit prefix: the symbol and length of the code of at most 8 bits it starts with, or length 0.
    private static readonly (ushort Symbol, byte Length)[] Fast = new (ushort, byte)[1 << FastBits];

    static HpackHuffman()
    {
        foreach (var length in CodeLengths)
        {
            CountOfLength[length]++;
        }

        int code = 0, index = 0;
        for (var length = 1; length <= MaxCodeLength; length++)
        {
            FirstCode[length] = code;
            FirstSymbolIndex[length] = index;
            code = (code + CountOfLength[length]) << 1;
            index += CountOfLength[length];
        }

        for (var length = 1; length <= FastBits; length++)
        {
            for (var i = 0; i < CountOfLength[length]; i++)
            {
                var first = (FirstCode[length] + i) << (FastBits - length);
                Fast.AsSpan(first, 1 << (FastBits - length)).Fill((SymbolsByCode[FirstSymbolIndex[length] + i], (byte)length));
            }
        }
    }

    /// <summary>The code of a symbol, right-aligned, and its length: what an encoder writes (the tests hold it to the RFC's codes).</summary>
    public static (uint Code, int Length) CodeOf(int symbol)
    {
        var length = CodeLengths[symbol];
        var rank = Array.IndexOf(SymbolsByCode, (ushort)symbol) - FirstSymbolIndex[length];
        return ((uint)(FirstCode[length] + rank), length);
    }

    /// <summary>
    /// Decodes <paramref name="source"/> into <paramref name="destination"/> (at most 8/5 of the source's length is needed) and
    /// returns the decoded length. A code of the end-of-string symbol, padding over 7 bits or padding that is not all ones is a
    /// COMPRESSION_ERROR, as RFC 7541 (5.2) asks.
    /// </summary>
    public static int Decode(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        ulong bits = 0; // the next bits, left-aligned
        int bitCount = 0, read = 0, written = 0;
        while (true)
        {
            while (bitCount <= 56 && read < source.Length)
            {
                bits |= (ulong)source[read++] << (56 - bitCount);
                bitCount += 8;
            }

            if (bitCount == 0)
            {
                return written;
            }

            var (symbol, length) = Fast[(int)(bits >> (64 - FastBits))];
            if (length == 0 || length > bitCount)
            {
                length = 0;
                for (var candidate = FastBits + 1; candidate <= Math.Min(MaxCodeLength, bitCount); candidate++)
                {
                    var rank = (int)(bits >> (64 - candidate)) - FirstCode[candidate];
                    if (rank >= 0 && rank < CountOfLength[candidate])
                    {
                        (symbol, length) = (SymbolsByCode[FirstSymbolIndex[candidate] + rank], (byte)candidate);
                        break;
                    }
                }
            }

            if (length == 0)
            {
                // What is left can only be the padding: fewer than 8 bits, all ones (a prefix of the end-of-string code).
                var padding = bits >> (64 - bitCount);
                if (read < source.Length || bitCount > 7 || padding != (1UL << bitCount) - 1)
                {
                    throw new Http2ProtocolException(Http2ErrorCode.CompressionError, "a Huffman-coded string ends in padding that is not up to 7 one bits");
                }

                return written;
            }

            if (symbol == EndOfString)
            {
                throw new Http2ProtocolException(Http2ErrorCode.CompressionError, "a Huffman-coded string contains the end-of-string code");
            }

            destination[written++] = (byte)symbol;
            bits <<= length;
            bitCount -= length;
        }
    }
}
