using System.Buffers;

namespace RocketTax.RocketMQ.Http2.Tests;

public sealed class HpackEncoderTests
{
    [Theory]
    [InlineData(":method", "POST", "83")] // the static table's index 3
    [InlineData(":status", "200", "88")]
    [InlineData("content-type", "application/grpc", "0f10 10" + "6170706c69636174696f6e2f67727063")] // name index 31: 15 + 16
    [InlineData("te", "trailers", "0002 7465 08" + "747261696c657273")] // a name the table does not have
    public void Encodes_as_the_RFC_describes(string name, string value, string hex)
    {
        var output = new ArrayBufferWriter<byte>();

        new HpackEncoder().Encode(output, name, value);

        Assert.Equal(HeaderList.Hex(hex), output.WrittenSpan.ToArray());
    }

    [Fact]
    public void What_it_encodes_any_decoder_reads_back_with_no_table()
    {
        (string, string)[] fields =
        [
            (":method", "POST"), (":scheme", "http"), (":path", "/apache.rocketmq.v2.MessagingService/SendMessage"),
            (":authority", "127.0.0.1:8081"), ("content-type", "application/grpc"), ("te", "trailers"),
            ("x-mq-client-id", "host@123@0@abc"), ("authorization", new string('a', 300)), ("grpc-timeout", "3000m"),
        ];
        var output = new ArrayBufferWriter<byte>();
        var encoder = new HpackEncoder();
        foreach (var (name, value) in fields)
        {
            encoder.Encode(output, name, value);
        }

        var list = new HeaderList();
        new HpackDecoder(maxDynamicTableSize: 0).Decode(new ReadOnlySequence<byte>(output.WrittenMemory), list);

        Assert.Equal(fields, list.Fields);
    }
}
