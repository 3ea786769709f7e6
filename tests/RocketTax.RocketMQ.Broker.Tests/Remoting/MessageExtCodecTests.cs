using System.Buffers.Binary;
using System.IO.Compression;
using System.Net;
using System.Text;
using RocketTax.RocketMQ.Remoting;
using RocketTax.RocketMQ.Remoting.Body;
using RocketTax.RocketMQ.Remoting.Messages;

namespace RocketTax.RocketMQ.Broker.Tests.Remoting;

/// <summary>
/// RocketMQ's binary form of stored messages, the answer to VIEW_MESSAGE_BY_ID and QUERY_MESSAGE. The golden bytes are
/// written out by hand, field by field, from RocketMQ's documented layout (big-endian), not produced by the codec.
/// </summary>
public sealed class MessageExtCodecTests
{
    private static readonly byte[] Golden = Convert.FromHexString(string.Concat(
        "0000006F",                     // totalSize: 111
        "DAA320A7",                     // magic code v1
        "01020304",                     // body CRC
        "00000003",                     // queue id 3
        "00000000",                     // flag
        "0000000000000005",             // queue offset 5
        "0000000000001000",             // commit-log offset 4096
        "00000000",                     // sys flag: IPv4 hosts, not compressed
        "0000018BCFE56800",             // born 1700000000000
        "0A000005", "0000C822",         // born host 10.0.0.5:51234
        "0000018BCFE5687B",             // stored 1700000000123
        "7F000001", "00002A9F",         // store host 127.0.0.1:10911
        "00000002",                     // reconsumed twice
        "0000000000000000",             // prepared transaction offset
        "00000002", "6869",             // body "hi"
        "03", "746178",                 // topic "tax", one length byte
        "000F", "4B455953016B3102", "54414753017402")); // KEYS=k1, TAGS=t

    private static MessageExt GoldenMessage => new()
    {
        Topic = "tax",
        QueueId = 3,
        QueueOffset = 5,
        CommitLogOffset = 4096,
        BodyCrc = 0x01020304,
        BornTimestamp = 1700000000000,
        BornHost = IPEndPoint.Parse("10.0.0.5:51234"),
        StoreTimestamp = 1700000000123,
        StoreHost = IPEndPoint.Parse("127.0.0.1:10911"),
        ReconsumeTimes = 2,
        Properties = new Dictionary<string, string> { ["KEYS"] = "k1", ["TAGS"] = "t" },
        Body = "hi"u8.ToArray(),
    };

    [Fact]
    public void Encodes_a_message_byte_for_byte_as_RocketMQ_lays_it_out()
    {
        Assert.Equal(Convert.ToHexString(Golden), Convert.ToHexString(MessageExtCodec.Encode(GoldenMessage)));
    }

    [Fact]
    public void Decodes_every_field_of_a_message_in_RocketMQ_layout()
    {
        var message = Assert.Single(MessageExtCodec.DecodeAll(Golden));

        Assert.Equal("tax", message.Topic);
        Assert.Equal(111, message.StoreSize);
        Assert.Equal(0x01020304, message.BodyCrc);
        Assert.Equal(3, message.QueueId);
        Assert.Equal(5, message.QueueOffset);
        Assert.Equal(4096, message.CommitLogOffset);
        Assert.Equal(1700000000000, message.BornTimestamp);
        Assert.Equal(IPEndPoint.Parse("10.0.0.5:51234"), message.BornHost);
        Assert.Equal(1700000000123, message.StoreTimestamp);
        Assert.Equal(IPEndPoint.Parse("127.0.0.1:10911"), message.StoreHost);
        Assert.Equal(2, message.ReconsumeTimes);
        Assert.Equal("hi", Encoding.UTF8.GetString(message.Body.Span));
        Assert.Equal(new Dictionary<string, string> { ["KEYS"] = "k1", ["TAGS"] = "t" }, message.Properties);
        Assert.False(message.IsBodyCompressed);
    }

    [Fact]
    public void An_IPv6_born_host_sets_its_sys_flag_bit_and_takes_sixteen_address_bytes()
    {
        var bytes = MessageExtCodec.Encode(GoldenMessage with { BornHost = IPEndPoint.Parse("[::1]:5000") });

        Assert.Equal(Golden.Length + 12, bytes.Length);
        Assert.Equal(MessageSysFlag.BornHostV6, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(36)));
        Assert.Equal(IPAddress.IPv6Loopback.GetAddressBytes(), bytes[48..64]);
        Assert.Equal(5000, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(64)));
        Assert.Equal(1700000000123, BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(68)));
        var decoded = Assert.Single(MessageExtCodec.DecodeAll(bytes));
        Assert.Equal(IPEndPoint.Parse("[::1]:5000"), decoded.BornHost);
        Assert.Equal(IPEndPoint.Parse("127.0.0.1:10911"), decoded.StoreHost);
    }

    [Fact]
    public void An_IPv6_store_host_round_trips_and_gives_a_56_digit_offset_id()
    {
        var message = GoldenMessage with { StoreHost = IPEndPoint.Parse("[fe80::1]:10911") };

        var decoded = Assert.Single(MessageExtCodec.DecodeAll(MessageExtCodec.Encode(message)));

        Assert.Equal(MessageSysFlag.StoreHostV6, decoded.SysFlag);
        Assert.Equal(message.StoreHost, decoded.StoreHost);
        Assert.Equal("FE800000000000000000000000000001" + "00002A9F" + "0000000000001000", MessageViewBody.Of(decoded, "broker-a").OffsetMsgId);
    }

    [Fact]
    public void A_topic_longer_than_127_bytes_takes_magic_v2_and_a_two_byte_length()
    {
        var topic = new string('t', 200);

        var bytes = MessageExtCodec.Encode(GoldenMessage with { Topic = topic });

        Assert.Equal(MessageExtCodec.MagicCodeV2, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4)));
        var topicLengthAt = 84 + 4 + 2; // fixed fields, body length, body
        Assert.Equal(200, BinaryPrimitives.ReadInt16BigEndian(bytes.AsSpan(topicLengthAt)));
        Assert.Equal(topic, Assert.Single(MessageExtCodec.DecodeAll(bytes)).Topic);
    }

    [Theory]
    [InlineData(MessageSysFlag.Compressed | MessageSysFlag.CompressionZlib)]
    [InlineData(MessageSysFlag.Compressed)] // written before RocketMQ 5 named the algorithms: zlib
    public void A_zlib_compressed_body_is_read_decompressed(int sysFlag)
    {
        var plain = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("{\"title\":\"tax\"}", 20)));

        var decoded = Assert.Single(MessageExtCodec.DecodeAll(MessageExtCodec.Encode(GoldenMessage with { SysFlag = sysFlag, Body = Zlib(plain) })));

        Assert.Equal(plain, decoded.Body.ToArray());
        Assert.False(decoded.IsBodyCompressed);
        Assert.Equal(0, decoded.SysFlag);
    }

    [Fact]
    public void An_LZ4_body_is_left_compressed_and_the_view_shows_no_text()
    {
        byte[] compressed = [0x04, 0x22, 0x4D, 0x18];

        var decoded = Assert.Single(MessageExtCodec.DecodeAll(MessageExtCodec.Encode(GoldenMessage with
        {
            SysFlag = MessageSysFlag.Compressed | MessageSysFlag.CompressionLz4,
            Body = compressed,
        })));

        Assert.True(decoded.IsBodyCompressed);
        Assert.Equal(compressed, decoded.Body.ToArray());
        Assert.Null(MessageViewBody.Of(decoded, "broker-a").Body);
    }

    [Fact]
    public void Messages_follow_one_another_as_a_query_answer_carries_them()
    {
        var second = GoldenMessage with { QueueOffset = 6, CommitLogOffset = 4096 + 111, Body = "second"u8.ToArray() };

        var bytes = MessageExtCodec.EncodeAll([GoldenMessage, second]);

        Assert.Equal(Golden, bytes[..Golden.Length]);
        var decoded = MessageExtCodec.DecodeAll(bytes);
        Assert.Equal([5L, 6L], decoded.Select(m => m.QueueOffset));
        Assert.Equal("second", Encoding.UTF8.GetString(decoded[1].Body.Span));
    }

    [Fact]
    public void The_view_takes_the_producer_id_tags_and_keys_from_the_properties()
    {
        var message = GoldenMessage with
        {
            Properties = new Dictionary<string, string> { ["UNIQ_KEY"] = "01AB", ["KEYS"] = "report-1 report-2", ["TAGS"] = "2021S1" },
        };

        var view = MessageViewBody.Of(Assert.Single(MessageExtCodec.DecodeAll(MessageExtCodec.Encode(message))), "broker-a");

        Assert.Equal("01AB", view.MsgId);
        Assert.Equal("7F00000100002A9F0000000000001000", view.OffsetMsgId);
        Assert.Equal("2021S1", view.Tags);
        Assert.Equal("report-1 report-2", view.Keys);
        Assert.Equal("broker-a", view.BrokerName);
        Assert.Equal("10.0.0.5:51234", view.BornHost);
        Assert.Equal("hi", view.Body);
    }

    [Fact]
    public void Without_a_producer_id_the_view_uses_the_offset_id()
    {
        var view = MessageViewBody.Of(GoldenMessage, "broker-a");

        Assert.Equal(view.OffsetMsgId, view.MsgId);
    }

    [Fact]
    public void Bytes_with_another_magic_code_are_refused()
    {
        var bytes = Golden.ToArray();
        bytes[7] = 0xA8;

        var error = Assert.Throws<RemotingProtocolException>(() => MessageExtCodec.DecodeAll(bytes));

        Assert.Contains("magic code 0xDAA320A8", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_message_cut_short_is_refused()
    {
        var error = Assert.Throws<RemotingProtocolException>(() => MessageExtCodec.DecodeAll(Golden.AsSpan(0, 100)));

        Assert.Contains("says it is 111 bytes, and 100 bytes are left", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fields_that_run_past_the_total_size_are_refused()
    {
        var bytes = Golden.ToArray();
        BinaryPrimitives.WriteInt16BigEndian(bytes.AsSpan(Golden.Length - 17), 200);

        var error = Assert.Throws<RemotingProtocolException>(() => MessageExtCodec.DecodeAll(bytes));

        Assert.Contains("run past", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Properties_longer_than_the_form_can_say_are_refused_when_encoding()
    {
        var message = GoldenMessage with { Properties = new Dictionary<string, string> { ["big"] = new('x', short.MaxValue) } };

        var error = Assert.Throws<ArgumentException>(() => MessageExtCodec.Encode(message));

        Assert.Contains("at most 32767", error.Message, StringComparison.Ordinal);
    }

    private static byte[] Zlib(byte[] plain)
    {
        using var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.Optimal))
        {
            zlib.Write(plain);
        }

        return output.ToArray();
    }
}
