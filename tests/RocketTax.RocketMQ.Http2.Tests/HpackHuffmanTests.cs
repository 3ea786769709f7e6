namespace RocketTax.RocketMQ.Http2.Tests;

public sealed class HpackHuffmanTests
{
    [Theory]
    [InlineData(0, 0x1ff8u, 13)]
    [InlineData('0', 0x0u, 5)]
    [InlineData(' ', 0x14u, 6)]
    [InlineData('&', 0xf8u, 8)]
    [InlineData('a', 0x3u, 5)]
    [InlineData('z', 0x7bu, 7)]
    [InlineData('~', 0x1ffdu, 13)]
    [InlineData(255, 0x3ffffeeu, 26)]
    [InlineData(256, 0x3fffffffu, 30)]
    public void Codes_follow_from_the_lengths_as_the_RFC_lists_them(int symbol, uint code, int length) =>
        Assert.Equal((code, length), HpackHuffman.CodeOf(symbol));

    [Fact]
    public void The_code_is_complete_and_prefix_free()
    {
        // Kraft's sum is exactly 1 for a complete prefix code: no bit string is left without a meaning.
        var sum = Enumerable.Range(0, 257).Sum(s => 1L << (30 - HpackHuffman.CodeOf(s).Length));
        Assert.Equal(1L << 30, sum);
    }

    [Fact]
    public void Every_byte_decodes_back_to_itself()
    {
        var text = Enumerable.Range(0, 256).Select(b => (byte)b).Concat("grpc-status: 0, x-mq-request-id"u8.ToArray()).ToArray();
        var encoded = Encode(text);
        var decoded = new byte[(encoded.Length * 8 / 5) + 1];

        var length = HpackHuffman.Decode(encoded, decoded);

        Assert.Equal(text, decoded[..length]);
    }

    [Theory]
    [InlineData("f1e3 c2e5 f23a 6ba0 ab90 f4ff", "www.example.com")]
    [InlineData("a8eb 1064 9cbf", "no-cache")]
    [InlineData("25a8 49e9 5ba9 7d7f", "custom-key")]
    [InlineData("25a8 49e9 5bb8 e8b4 bf", "custom-value")]
    public void Decodes_the_RFCs_examples(string hex, string text)
    {
        var encoded = HeaderList.Hex(hex);
        var decoded = new byte[64];

        var length = HpackHuffman.Decode(encoded, decoded);

        Assert.Equal(text, System.Text.Encoding.ASCII.GetString(decoded, 0, length));
    }

    [Theory]
    [InlineData("ff ff ff ff", "the end-of-string code")] // 30 one bits are the end-of-string symbol
    [InlineData("1f ff", "padding")] // '0' (5 zero bits), then 11 bits of padding
    [InlineData("06", "padding")] // '0' then 3 bits of padding with a zero among them
    public void Refuses_what_the_RFC_calls_a_decoding_error(string hex, string reason)
    {
        var error = Assert.Throws<Http2ProtocolException>(() => HpackHuffman.Decode(HeaderList.Hex(hex), new byte[16]));

        Assert.Equal(Http2ErrorCode.CompressionError, error.ErrorCode);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    private static byte[] Encode(byte[] text)
    {
        var output = new List<byte>();
        ulong bits = 0;
        var count = 0;
        foreach (var symbol in text)
        {
            var (code, length) = HpackHuffman.CodeOf(symbol);
            bits = (bits << length) | code;
            count += length;
            while (count >= 8)
            {
                output.Add((byte)(bits >> (count - 8)));
                count -= 8;
            }
        }

        if (count > 0)
        {
            output.Add((byte)((bits << (8 - count)) | ((1UL << (8 - count)) - 1)));
        }

        return [.. output];
    }
}
