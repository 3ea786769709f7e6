using System.Buffers.Binary;
using RocketTax.RocketMQ.Remoting;
using RocketTax.RocketMQ.Remoting.Messages;

namespace RocketTax.RocketMQ.Broker.Tests.Remoting;

/// <summary>The body of <c>SEND_BATCH_MESSAGE</c>: the layout 4.x producers write, and lengths that lie.</summary>
public sealed class MessageBatchCodecTests
{
    [Fact]
    public void Encodes_each_message_as_size_magic_crc_flag_body_and_properties_and_reads_them_back()
    {
        BatchMessage[] messages = [new(3, "ab"u8.ToArray(), "TAGS\u00012021S1\u0002"), new(0, new byte[] { 9 }, string.Empty)];

        var body = MessageBatchCodec.Encode(messages);

        Assert.Equal(22 + 2 + 12, BinaryPrimitives.ReadInt32BigEndian(body));
        Assert.Equal(3, BinaryPrimitives.ReadInt32BigEndian(body.AsSpan(12)));
        Assert.Equal(2, BinaryPrimitives.ReadInt32BigEndian(body.AsSpan(16)));
        Assert.Equal(12, BinaryPrimitives.ReadInt16BigEndian(body.AsSpan(22)));
        var decoded = MessageBatchCodec.Decode(body);
        Assert.Equal([(3, "ab", "TAGS\u00012021S1\u0002"), (0, "\t", string.Empty)],
            decoded.Select(m => (m.Flag, System.Text.Encoding.UTF8.GetString(m.Body.Span), m.Properties)));
    }

    [Theory]
    [InlineData(4, 0)]        // size below the fixed fields
    [InlineData(1_000, 0)]    // size past the end
    [InlineData(24, 100)]     // body longer than the message
    public void Refuses_a_message_whose_lengths_do_not_fit(int size, int bodyLength)
    {
        var body = MessageBatchCodec.Encode([new BatchMessage(0, "ab"u8.ToArray(), string.Empty)]);
        BinaryPrimitives.WriteInt32BigEndian(body, size);
        BinaryPrimitives.WriteInt32BigEndian(body.AsSpan(16), bodyLength == 0 ? 2 : bodyLength);

        Assert.Throws<RemotingProtocolException>(() => MessageBatchCodec.Decode(body));
    }
}
