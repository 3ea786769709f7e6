using System.Net;
using RocketTax.RocketMQ.Remoting;

namespace RocketTax.RocketMQ.Broker.Tests.Remoting;

/// <summary>Offset message ids: the store host and commit-log offset in hex, read back into where to look.</summary>
public sealed class MessageIdsTests
{
    [Fact]
    public void An_IPv4_offset_id_is_32_digits_and_reads_back()
    {
        var id = MessageIds.OffsetMessageId(new IPEndPoint(IPAddress.Parse("127.0.0.1"), 10911), 4096);

        Assert.Equal("7F00000100002A9F0000000000001000", id);
        Assert.True(MessageIds.IsWellFormed(id));
        Assert.True(MessageIds.TryParseOffsetMessageId(id, out var broker, out var offset));
        Assert.Equal(("127.0.0.1:10911", 4096L), (broker, offset));
    }

    [Fact]
    public void An_IPv6_offset_id_is_56_digits_and_reads_back()
    {
        var id = MessageIds.OffsetMessageId(new IPEndPoint(IPAddress.IPv6Loopback, 10911), 4096);

        Assert.Equal("00000000000000000000000000000001" + "00002A9F" + "0000000000001000", id);
        Assert.True(MessageIds.IsWellFormed(id));
        Assert.True(MessageIds.TryParseOffsetMessageId(id, out var broker, out var offset));
        Assert.Equal(("::1:10911", 4096L), (broker, offset));
    }

    [Theory]
    [InlineData("")]
    [InlineData("7F00000100002A9F00000000000010")]
    [InlineData("7F00000100000000000000000000100000")]
    [InlineData("7F0000010001FFFF0000000000001000")]
    [InlineData("ZZ00000100002A9F0000000000001000")]
    public void Anything_else_is_not_an_offset_id(string id) =>
        Assert.False(MessageIds.TryParseOffsetMessageId(id, out _, out _));
}
