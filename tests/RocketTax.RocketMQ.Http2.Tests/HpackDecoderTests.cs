using System.Buffers;

namespace RocketTax.RocketMQ.Http2.Tests;

/// <summary>The decoder against RFC 7541's appendix C: each example is a sequence on one connection, so the dynamic table carries over.</summary>
public sealed class HpackDecoderTests
{
    private const string Date21 = "Mon, 21 Oct 2013 20:13:21 GMT";
    private const string Date22 = "Mon, 21 Oct 2013 20:13:22 GMT";
    private const string Location = "https://www.example.com";
    private const string Cookie = "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Decodes_the_RFCs_requests(bool huffman)
    {
        var decoder = new HpackDecoder();
        string[] blocks = huffman
            ? ["8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff", "8286 84be 5886 a8eb 1064 9cbf", "8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf"]
            : ["8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d", "8286 84be 5808 6e6f 2d63 6163 6865",
                "8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65"];

        Assert.Equal([(":method", "GET"), (":scheme", "http"), (":path", "/"), (":authority", "www.example.com")], HeaderList.Decode(decoder, blocks[0]));
        Assert.Equal(
            [(":method", "GET"), (":scheme", "http"), (":path", "/"), (":authority", "www.example.com"), ("cache-control", "no-cache")],
            HeaderList.Decode(decoder, blocks[1]));
        Assert.Equal(
            [(":method", "GET"), (":scheme", "https"), (":path", "/index.html"), (":authority", "www.example.com"), ("custom-key", "custom-value")],
            HeaderList.Decode(decoder, blocks[2]));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Decodes_the_RFCs_responses_evicting_from_a_256_byte_table(bool huffman)
    {
        var decoder = new HpackDecoder(maxDynamicTableSize: 256);
        string[] blocks = huffman
            ? ["4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6 2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3",
                "4883 640e ffc1 c0bf",
                "88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab 77ad 94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f 9587 3160 65c0 03ed 4ee5 b106 3d50 07"]
            : ["4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3120 474d 546e 1768 7474 7073 3a2f 2f77 7777 2e65 7861 6d70 6c65 2e63 6f6d",
                "4803 3330 37c1 c0bf",
                "88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3220 474d 54c0 5a04 677a 6970 7738 666f 6f3d 4153 444a 4b48 514b 425a 584f 5157 454f 5049 5541 5851 5745 4f49 553b 206d 6178 2d61 6765 3d33 3630 303b 2076 6572 7369 6f6e 3d31"];

        Assert.Equal([(":status", "302"), ("cache-control", "private"), ("date", Date21), ("location", Location)], HeaderList.Decode(decoder, blocks[0]));

        // ":status 307" evicts ":status 302"; the other three are found at their new indices.
        Assert.Equal([(":status", "307"), ("cache-control", "private"), ("date", Date21), ("location", Location)], HeaderList.Decode(decoder, blocks[1]));
        Assert.Equal(
            [(":status", "200"), ("cache-control", "private"), ("date", Date22), ("location", Location), ("content-encoding", "gzip"), ("set-cookie", Cookie)],
            HeaderList.Decode(decoder, blocks[2]));
    }

    [Fact]
    public void A_block_split_across_segments_decodes_as_one()
    {
        var bytes = HeaderList.Hex("8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff");
        var first = new Segment(bytes.AsMemory(0, 7));
        var last = first.Append(bytes.AsMemory(7));
        var list = new HeaderList();

        new HpackDecoder().Decode(new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length), list);

        Assert.Equal((":authority", "www.example.com"), list.Fields[^1]);
    }

    [Fact]
    public void A_size_update_to_zero_empties_the_table()
    {
        var decoder = new HpackDecoder();
        HeaderList.Decode(decoder, "400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65");
        Assert.Equal([("custom-key", "custom-value")], HeaderList.Decode(decoder, "be"));

        Assert.Empty(HeaderList.Decode(decoder, "20"));

        var error = Assert.Throws<Http2ProtocolException>(() => HeaderList.Decode(decoder, "be"));
        Assert.Contains("past the dynamic table", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("80", "index 0")]
    [InlineData("be", "past the dynamic table")]
    [InlineData("3fe21f", "4097 is over the 4096 allowed")] // 31 + 98 + 31 * 128
    [InlineData("82 20", "after a header field")]
    [InlineData("ff", "ends inside an integer")]
    [InlineData("ffffffffff7f", "over 2^28")]
    [InlineData("400a 6375 7374", "runs past the end")]
    [InlineData("40", "ends before a string")]
    public void Refuses_a_broken_block_as_a_compression_error(string hex, string reason)
    {
        var error = Assert.Throws<Http2ProtocolException>(() => HeaderList.Decode(new HpackDecoder(), hex));

        Assert.Equal(Http2ErrorCode.CompressionError, error.ErrorCode);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_a_header_list_over_its_limit()
    {
        // Two fields of 10 + 12 + 32 = 54 bytes each against a limit of 100.
        const string field = "000a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65";

        var error = Assert.Throws<Http2ProtocolException>(() => HeaderList.Decode(new HpackDecoder(maxHeaderListSize: 100), field + field));

        Assert.Contains("over 100 bytes", error.Message, StringComparison.Ordinal);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}
