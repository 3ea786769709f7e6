using System.Buffers.Binary;
using System.Net.Sockets;
using RocketTax.RocketMQ.Remoting;
using RocketTax.Testing;

namespace RocketTax.RocketMQ.Broker.Tests.Remoting;

/// <summary>
/// Hostile bytes on the remoting port: the offending connection is closed (or answered with an error) and
/// logged, while a connection opened alongside it keeps being served.
/// </summary>
public sealed class RemotingBadInputTests(NameServerFixture fixture) : IClassFixture<NameServerFixture>
{
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(10);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(-1)]
    [InlineData(int.MinValue)]
    [InlineData(RemotingCommandCodec.MaxFrameLength + 1)]
    [InlineData(int.MaxValue)]
    public async Task Frame_length_negative_or_over_16_MiB_closes_that_connection_only(int length)
    {
        await using var client = new RemotingClient();
        await AssertServesAsync(client);
        var bytes = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(bytes, length);

        await AssertClosedAsync(bytes);

        await AssertServesAsync(client);
        await AssertLoggedAsync("frame length");
    }

    [Fact]
    public async Task Garbage_header_JSON_closes_that_connection_only()
    {
        await using var client = new RemotingClient();
        await AssertServesAsync(client);

        await AssertClosedAsync(RemotingCommandCodecTests.RawFrame("{\"code\": tax, ]"u8.ToArray()));

        await AssertServesAsync(client);
        await AssertLoggedAsync("not RocketMQ remoting JSON");
    }

    [Fact]
    public async Task Unknown_request_code_is_answered_REQUEST_CODE_NOT_SUPPORTED_and_the_connection_keeps_serving()
    {
        await using var client = new RemotingClient();

        var answer = await client.InvokeAsync(fixture.NameServer.Address, RemotingCommand.Request(9999), ReadTimeout, Ct);

        Assert.Equal(ResponseCode.RequestCodeNotSupported, answer.Code);
        Assert.Contains("9999", answer.Remark, StringComparison.Ordinal);
        await AssertServesAsync(client);
        await AssertLoggedAsync("Request code 9999");
    }

    [Fact]
    public async Task Route_of_an_unknown_topic_is_answered_TOPIC_NOT_EXIST()
    {
        await using var client = new RemotingClient();

        var answer = await client.InvokeAsync(fixture.NameServer.Address, RemotingCommand.Request(
            RequestCode.GetRouteInfoByTopic, new Dictionary<string, string> { ["topic"] = "no-such-topic" }), ReadTimeout, Ct);

        Assert.Equal(ResponseCode.TopicNotExist, answer.Code);
        Assert.Contains("no-such-topic", answer.Remark, StringComparison.Ordinal);
    }

    private async Task AssertServesAsync(RemotingClient client)
    {
        var answer = await client.InvokeAsync(fixture.NameServer.Address, RemotingCommand.Request(RequestCode.GetBrokerClusterInfo), ReadTimeout, Ct);
        Assert.Equal(ResponseCode.Success, answer.Code);
    }

    /// <summary>Writes <paramref name="bytes"/> on a fresh socket and expects the server to close it (read returns 0 or resets).</summary>
    private async Task AssertClosedAsync(byte[] bytes)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync("127.0.0.1", fixture.NameServer.Port, Ct);
        await socket.SendAsync(bytes, SocketFlags.None, Ct);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(ReadTimeout);
        var buffer = new byte[64];
        try
        {
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token);
            Assert.Equal(0, read);
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
        {
            // Closed with unread bytes pending: a reset is a close too.
        }
    }

    private async Task AssertLoggedAsync(string text)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(ReadTimeout);
        while (!fixture.NameServer.Logs.Any(l => l.Contains(text, StringComparison.Ordinal)))
        {
            await Task.Delay(50, deadline.Token);
        }
    }
}
