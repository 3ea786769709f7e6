using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using RocketTax.RocketMQ.Remoting;
using RocketTax.RocketMQ.Remoting.Messages;

namespace RocketTax.RocketMQ.Broker.Tests.Remoting;

/// <summary>The remoting frame, byte by byte: lengths, serialize type, JSON header field names, body.</summary>
public sealed class RemotingCommandCodecTests
{
    [Fact]
    public void Frame_carries_total_length_JSON_serialize_type_and_RocketMQ_header_fields()
    {
        var request = RemotingCommand.Request(RequestCode.GetRouteInfoByTopic, new Dictionary<string, string> { ["topic"] = "tax-data-topic" }, [1, 2, 3]);
        request.Opaque = 42;

        var frame = RemotingCommandCodec.Encode(request);

        var length = BinaryPrimitives.ReadInt32BigEndian(frame);
        var headerField = BinaryPrimitives.ReadInt32BigEndian(frame.AsSpan(4));
        var headerLength = headerField & 0xFFFFFF;
        Assert.Equal(frame.Length - 4, length);
        Assert.Equal(0, headerField >> 24);
        var header = Encoding.UTF8.GetString(frame, 8, headerLength);
        Assert.Contains("\"code\":105", header, StringComparison.Ordinal);
        Assert.Contains("\"opaque\":42", header, StringComparison.Ordinal);
        Assert.Contains("\"extFields\":{\"topic\":\"tax-data-topic\"}", header, StringComparison.Ordinal);
        Assert.Contains("\"flag\":0", header, StringComparison.Ordinal);
        Assert.Equal([1, 2, 3], frame[(8 + headerLength)..]);
    }

    [Fact]
    public void Decodes_a_frame_split_across_reads_only_once_it_is_whole()
    {
        var response = RemotingCommand.Response(new RemotingCommand { Opaque = 7 }, ResponseCode.TopicNotExist, "no route");
        var frame = RemotingCommandCodec.Encode(response);

        var partial = new ReadOnlySequence<byte>(frame, 0, frame.Length - 1);
        Assert.False(RemotingCommandCodec.TryRead(ref partial, out _));

        var whole = new ReadOnlySequence<byte>([.. frame, .. frame]);
        Assert.True(RemotingCommandCodec.TryRead(ref whole, out var decoded));
        Assert.Equal(frame.Length, whole.Length);
        Assert.True(decoded.IsResponse);
        Assert.Equal(7, decoded.Opaque);
        Assert.Equal(ResponseCode.TopicNotExist, decoded.Code);
        Assert.Equal("no route", decoded.Remark);
        Assert.Null(decoded.Body);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(3)]
    [InlineData(RemotingCommandCodec.MaxFrameLength + 1)]
    public void Refuses_a_frame_length_outside_4_to_16_MiB(int length)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(bytes, length);
        var buffer = new ReadOnlySequence<byte>(bytes);

        var error = Assert.Throws<RemotingProtocolException>(() => RemotingCommandCodec.TryRead(ref buffer, out _));
        Assert.Contains(length.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_a_header_that_is_not_JSON()
    {
        var buffer = new ReadOnlySequence<byte>(RawFrame("{not json"u8.ToArray()));

        var error = Assert.Throws<RemotingProtocolException>(() => RemotingCommandCodec.TryRead(ref buffer, out _));
        Assert.Contains("not RocketMQ remoting JSON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reads_the_header_a_Java_peer_writes()
    {
        var header = """{"code":106,"extFields":{},"flag":0,"language":"JAVA","opaque":3,"serializeTypeCurrentRPC":"JSON","version":401}"""u8.ToArray();
        var buffer = new ReadOnlySequence<byte>(RawFrame(header));

        Assert.True(RemotingCommandCodec.TryRead(ref buffer, out var command));
        Assert.Equal(RequestCode.GetBrokerClusterInfo, command.Code);
        Assert.Equal("JAVA", command.Language);
        Assert.Equal(3, command.Opaque);
        Assert.False(command.IsResponse);
    }

    [Fact]
    public void Reads_a_ROCKETMQ_binary_header_field_by_field_and_answers_in_the_same_serialize_type()
    {
        // code 310, language JAVA (0), version 401, opaque 9, flag 0, no remark, extFields {b: tax}.
        byte[] header = [0x01, 0x36, 0x00, 0x01, 0x91, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 10, 0, 1, (byte)'b', 0, 0, 0, 3, (byte)'t', (byte)'a', (byte)'x'];
        var frame = new byte[8 + header.Length + 2];
        BinaryPrimitives.WriteInt32BigEndian(frame, 4 + header.Length + 2);
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(4), (1 << 24) | header.Length);
        header.CopyTo(frame, 8);
        frame[^2] = 0xCA;
        frame[^1] = 0xFE;
        var buffer = new ReadOnlySequence<byte>(frame);

        Assert.True(RemotingCommandCodec.TryRead(ref buffer, out var request));

        Assert.Equal((RequestCode.SendMessageV2, "JAVA", 401, 9), (request.Code, request.Language, request.Version, request.Opaque));
        Assert.Equal("tax", request.Field("b"));
        Assert.Equal([0xCA, 0xFE], request.Body);
        var answer = RemotingCommandCodec.Encode(RemotingCommand.Response(request, ResponseCode.SystemBusy, "busy"));
        Assert.Equal(1, BinaryPrimitives.ReadInt32BigEndian(answer.AsSpan(4)) >> 24);
        var decoded = new ReadOnlySequence<byte>(answer);
        Assert.True(RemotingCommandCodec.TryRead(ref decoded, out var response));
        Assert.Equal((ResponseCode.SystemBusy, "busy", true), (response.Code, response.Remark, response.IsResponse));
    }

    [Fact]
    public void Refuses_a_ROCKETMQ_header_whose_field_length_points_past_its_end()
    {
        byte[] header = [0, 10, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 8, 0, 1, (byte)'b', 0x7F, 0, 0, 0, (byte)'x'];
        var frame = new byte[8 + header.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, 4 + header.Length);
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(4), (1 << 24) | header.Length);
        header.CopyTo(frame, 8);
        var buffer = new ReadOnlySequence<byte>(frame);

        var error = Assert.Throws<RemotingProtocolException>(() => RemotingCommandCodec.TryRead(ref buffer, out _));
        Assert.Contains("extFields 'b'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reads_a_JSON_header_with_quoted_numbers_and_unknown_fields_as_Java_peers_may_write_it()
    {
        var header = """{"code":"310","unknown":{"nested":[1,2,{"x":null}]},"extFields":{"a":"group","d":4,"k":false},"opaque":11,"remark":null}"""u8.ToArray();
        var buffer = new ReadOnlySequence<byte>(RawFrame(header));

        Assert.True(RemotingCommandCodec.TryRead(ref buffer, out var command));

        Assert.Equal((RequestCode.SendMessageV2, 11, null), (command.Code, command.Opaque, command.Remark));
        Assert.Equal(new Dictionary<string, string> { ["a"] = "group", ["d"] = "4", ["k"] = "false" }, command.ExtFields);
    }

    [Theory]
    [InlineData("JSON")]
    [InlineData("ROCKETMQ")]
    public void Reads_a_frame_whose_every_byte_arrived_in_a_segment_of_its_own(string serializeType)
    {
        var header = new SendMessageHeader("group", "tax-data-topic", 2, 0, 1_700_000_000_000, 0, "TAGS\u00012021S1\u0002", 0);
        var request = RemotingCommand.Request(RequestCode.SendMessageV2, header.ToShortFields(), [7, 8, 9]);
        request.SerializeTypeCurrentRpc = serializeType;
        request.Opaque = 5;
        var buffer = ByteBySegment(RemotingCommandCodec.Encode(request));

        Assert.True(RemotingCommandCodec.TryRead(ref buffer, out var decoded));

        Assert.Equal((5, serializeType, "tax-data-topic", "TAGS\u00012021S1\u0002"), (decoded.Opaque, decoded.SerializeTypeCurrentRpc, decoded.Field("b"), decoded.Field("i")));
        Assert.Equal([7, 8, 9], decoded.Body);
        Assert.Equal(0, buffer.Length);
    }

    [Fact]
    public void Reads_a_bare_number_split_across_segments_whole()
    {
        var header = """{"code":310,"extFields":{"g":1700000000123,"k":false},"opaque":3}"""u8.ToArray();
        var buffer = ByteBySegment(RawFrame(header));

        Assert.True(RemotingCommandCodec.TryRead(ref buffer, out var command));

        Assert.Equal(("1700000000123", "false"), (command.Field("g"), command.Field("k")));
    }

    [Theory]
    [InlineData("JSON")]
    [InlineData("ROCKETMQ")]
    public void A_connection_reading_the_same_header_value_again_gets_the_string_it_already_has(string serializeType)
    {
        var strings = new HeaderValueStrings();
        var first = Frame(serializeType, "城市税务-producer", bornTimestamp: 1_700_000_000_000);
        var second = Frame(serializeType, "城市税务-producer", bornTimestamp: 1_700_000_000_001);
        var third = Frame(serializeType, "province-producer", bornTimestamp: 1_700_000_000_002);

        Assert.True(RemotingCommandCodec.TryRead(ref first, out var a, strings));
        Assert.True(RemotingCommandCodec.TryRead(ref second, out var b, strings));
        Assert.True(RemotingCommandCodec.TryRead(ref third, out var c, strings));

        Assert.Same(a.Field("b"), b.Field("b"));
        Assert.Same(a.Field("b"), c.Field("b"));
        Assert.Equal(("城市税务-producer", "城市税务-producer", "province-producer"), (a.Field("a"), b.Field("a"), c.Field("a")));
        Assert.Equal(("1700000000000", "1700000000001", "1700000000002"), (a.Field("g"), b.Field("g"), c.Field("g")));
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("a \"quoted\" \\path\\")]
    [InlineData("line\nbreak\ttab\rreturn\b\f")]
    [InlineData("TAGS\u00012021S1\u0002KEYS\u0001a\u0000b\u001F")]
    [InlineData("城市税务 <tax> & 'quarter' +1 `x`")]
    [InlineData("emoji \U0001F4B0 outside the BMP")]
    public void A_JSON_header_is_valid_JSON_that_reads_back_every_string_as_written(string text)
    {
        var request = RemotingCommand.Request(RequestCode.SendMessageV2, new Dictionary<string, string> { [text] = text, ["i"] = text }, null);
        request.Remark = text;
        request.Language = text;

        var frame = RemotingCommandCodec.Encode(request);
        var headerLength = BinaryPrimitives.ReadInt32BigEndian(frame.AsSpan(4)) & 0xFFFFFF;
        using var json = JsonDocument.Parse(frame.AsMemory(8, headerLength));
        var buffer = new ReadOnlySequence<byte>(frame);
        Assert.True(RemotingCommandCodec.TryRead(ref buffer, out var decoded));

        Assert.Equal(text, json.RootElement.GetProperty("remark").GetString());
        Assert.Equal(text, json.RootElement.GetProperty("extFields").GetProperty(text).GetString());
        Assert.Equal((text, text, text, text), (decoded.Remark, decoded.Language, decoded.Field(text), decoded.Field("i")));
    }

    private static ReadOnlySequence<byte> Frame(string serializeType, string producerGroup, long bornTimestamp)
    {
        var header = new SendMessageHeader(producerGroup, "tax-data-topic", 2, 0, bornTimestamp, 0, "TAGS\u00012021S1\u0002", 0);
        var request = RemotingCommand.Request(RequestCode.SendMessageV2, header.ToShortFields(), [1]);
        request.SerializeTypeCurrentRpc = serializeType;
        return new ReadOnlySequence<byte>(RemotingCommandCodec.Encode(request));
    }

    /// <summary>The bytes as a sequence of one-byte segments, the most a pipe could split them.</summary>
    private static ReadOnlySequence<byte> ByteBySegment(byte[] bytes)
    {
        var first = new Segment(bytes[..1], 0);
        var last = first;
        for (var i = 1; i < bytes.Length; i++)
        {
            last = last.Append(bytes[i..(i + 1)]);
        }

        return new ReadOnlySequence<byte>(first, 0, last, 1);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(byte[] bytes, long runningIndex)
        {
            Memory = bytes;
            RunningIndex = runningIndex;
        }

        public Segment Append(byte[] bytes)
        {
            var next = new Segment(bytes, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }

    /// <summary>A frame around an arbitrary header, JSON serialize type, no body.</summary>
    public static byte[] RawFrame(byte[] header)
    {
        var frame = new byte[8 + header.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, 4 + header.Length);
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(4), header.Length);
        header.CopyTo(frame, 8);
        return frame;
    }
}
