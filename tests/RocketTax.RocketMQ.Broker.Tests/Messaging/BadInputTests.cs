using System.Net.Sockets;
using Apache.Rocketmq.V2;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using RocketTax.Testing;

namespace RocketTax.RocketMQ.Broker.Tests.Messaging;

/// <summary>Each kind of bad request is answered with its own status code, and the broker keeps serving.</summary>
public sealed class BadInputTests(SmallMessagesBrokerFixture fixture) : IClassFixture<SmallMessagesBrokerFixture>
{
    private const string Topic = "bad-input-topic";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Blank_message_id_is_refused_with_ILLEGAL_MESSAGE_ID()
    {
        var response = await SendAsync(RawBrokerClient.NewMessage(Topic, "{}", messageId: " "));
        await AssertRefusedAndStillServing(response.Status, Code.IllegalMessageId);
    }

    [Fact]
    public async Task Empty_body_is_refused_with_MESSAGE_BODY_EMPTY()
    {
        var response = await SendAsync(RawBrokerClient.NewMessage(Topic, string.Empty));
        await AssertRefusedAndStillServing(response.Status, Code.MessageBodyEmpty);
    }

    [Fact]
    public async Task Body_over_maxMessageSize_is_refused_with_MESSAGE_BODY_TOO_LARGE()
    {
        var response = await SendAsync(RawBrokerClient.NewMessage(Topic, new string('x', SmallMessagesBrokerFixture.MaxMessageSize + 1)));
        await AssertRefusedAndStillServing(response.Status, Code.MessageBodyTooLarge);
        Assert.Contains("maxMessageSize", response.Status.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tag_with_a_bar_is_refused_with_ILLEGAL_MESSAGE_TAG()
    {
        var response = await SendAsync(RawBrokerClient.NewMessage(Topic, "{}", tag: "2021S1|2021S2"));
        await AssertRefusedAndStillServing(response.Status, Code.IllegalMessageTag);
    }

    [Theory]
    [InlineData("tax data")]
    [InlineData("税务")]
    [InlineData("")]
    public async Task Illegal_topic_name_is_refused_with_ILLEGAL_TOPIC(string topic)
    {
        var response = await SendAsync(RawBrokerClient.NewMessage(topic, "{}"));
        await AssertRefusedAndStillServing(response.Status, Code.IllegalTopic);
    }

    [Fact]
    public async Task Topic_name_longer_than_127_characters_is_refused_with_ILLEGAL_TOPIC()
    {
        using var client = new RawBrokerClient(fixture.Broker.GrpcEndpoint);
        var route = await client.QueryRouteAsync(new string('t', 128), Ct);
        await AssertRefusedAndStillServing(route.Status, Code.IllegalTopic);
    }

    [Fact]
    public async Task Reserved_user_property_name_is_refused_with_ILLEGAL_MESSAGE_PROPERTY_KEY()
    {
        var message = RawBrokerClient.NewMessage(Topic, "{}");
        message.UserProperties["UNIQ_KEY"] = "spoofed";
        var response = await SendAsync(message);
        await AssertRefusedAndStillServing(response.Status, Code.IllegalMessagePropertyKey);
    }

    [Fact]
    public async Task A_batch_with_one_bad_message_stores_none_of_them()
    {
        var good = RawBrokerClient.NewMessage("bad-batch-topic", "{\"n\":1}");
        var bad = RawBrokerClient.NewMessage("bad-batch-topic", string.Empty);
        var response = await SendAsync(good, bad);
        Assert.Equal(Code.MessageBodyEmpty, response.Status.Code);

        using var client = new RawBrokerClient(fixture.Broker.GrpcEndpoint);
        var (status, messages) = await client.ReceiveAsync("bad-batch-group", "bad-batch-topic", "*", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(500), Ct);
        Assert.Equal(Code.MessageNotFound, status.Code);
        Assert.Empty(messages);
    }

    [Fact]
    public async Task Missing_client_id_is_refused_with_CLIENT_ID_REQUIRED()
    {
        using var anonymous = new RawBrokerClient(fixture.Broker.GrpcEndpoint, clientId: null);
        var response = await anonymous.SendAsync(Ct, RawBrokerClient.NewMessage(Topic, "{}"));
        await AssertRefusedAndStillServing(response.Status, Code.ClientIdRequired);
    }

    [Theory]
    [InlineData("not-a-receipt-handle")]
    [InlineData("")]
    [InlineData("cjEfYnJva2VyLWEfeB8wHzAfMB8w")]
    public async Task Invalid_receipt_handle_is_refused_with_INVALID_RECEIPT_HANDLE(string handle)
    {
        using var client = new RawBrokerClient(fixture.Broker.GrpcEndpoint);
        await EnsureTopicAsync(client);
        var response = await client.AckAsync("bad-input-group", Topic, "0A0B", handle, Ct);
        Assert.Equal(Code.InvalidReceiptHandle, response.Entries.Single().Status.Code);
        await AssertRefusedAndStillServing(response.Status, Code.InvalidReceiptHandle);
    }

    [Theory]
    [InlineData("2021S1||")]
    [InlineData("||")]
    [InlineData("a|b")]
    public async Task Bad_tag_filter_expression_is_refused_with_ILLEGAL_FILTER_EXPRESSION(string expression)
    {
        using var client = new RawBrokerClient(fixture.Broker.GrpcEndpoint);
        await EnsureTopicAsync(client);
        var (status, _) = await client.ReceiveAsync("bad-input-group", Topic, expression, TimeSpan.FromSeconds(30), TimeSpan.Zero, Ct);
        await AssertRefusedAndStillServing(status, Code.IllegalFilterExpression);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(13 * 3600)]
    public async Task Invisible_duration_out_of_range_is_refused_with_ILLEGAL_INVISIBLE_TIME(double seconds)
    {
        using var client = new RawBrokerClient(fixture.Broker.GrpcEndpoint);
        await EnsureTopicAsync(client);
        var (status, _) = await client.ReceiveAsync("bad-input-group", Topic, "*", TimeSpan.FromSeconds(seconds), TimeSpan.Zero, Ct);
        await AssertRefusedAndStillServing(status, Code.IllegalInvisibleTime);
    }

    [Fact]
    public async Task Illegal_consumer_group_is_refused_with_ILLEGAL_CONSUMER_GROUP()
    {
        using var client = new RawBrokerClient(fixture.Broker.GrpcEndpoint);
        await EnsureTopicAsync(client);
        var (status, _) = await client.ReceiveAsync("consumer group", Topic, "*", TimeSpan.FromSeconds(30), TimeSpan.Zero, Ct);
        await AssertRefusedAndStillServing(status, Code.IllegalConsumerGroup);
    }

    [Fact]
    public async Task Random_bytes_and_truncated_http2_frames_on_the_grpc_port_do_not_stop_the_broker()
    {
        var random = new Random(20210401);
        var preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray();
        var payloads = new List<byte[]>();
        for (var i = 0; i < 20; i++)
        {
            var garbage = new byte[random.Next(1, 4096)];
            random.NextBytes(garbage);
            payloads.Add(garbage);
        }

        // A valid preface followed by a SETTINGS frame header that promises more bytes than ever arrive.
        payloads.Add([.. preface, 0x00, 0x00, 0x30, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03]);
        // A HEADERS frame on stream 1 claiming 16 KiB, cut after 5 bytes.
        payloads.Add([.. preface, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x00, 0x01, 0x04, 0x00, 0x00, 0x00, 0x01, 0x82, 0x86, 0x84, 0x41, 0x8a]);
        foreach (var payload in payloads)
        {
            using var socket = new TcpClient();
            await socket.ConnectAsync("127.0.0.1", fixture.Broker.GrpcPort, Ct);
            var stream = socket.GetStream();
            try
            {
                await stream.WriteAsync(payload, Ct);
                await stream.FlushAsync(Ct);
            }
            catch (IOException)
            {
                // The broker may close the connection before all garbage is written: that is a fine answer.
            }
        }

        using var client = new RawBrokerClient(fixture.Broker.GrpcEndpoint);
        var response = await client.SendAsync(Ct, RawBrokerClient.NewMessage(Topic, "{\"after\":\"garbage\"}"));
        Assert.Equal(Code.Ok, response.Status.Code);
        Assert.True(fixture.Broker.IsRunning, fixture.Broker.LogTail());
    }

    private async Task<SendMessageResponse> SendAsync(params Message[] messages)
    {
        using var client = new RawBrokerClient(fixture.Broker.GrpcEndpoint);
        return await client.SendAsync(Ct, messages);
    }

    private async Task EnsureTopicAsync(RawBrokerClient client)
    {
        var route = await client.QueryRouteAsync(Topic, Ct);
        Assert.Equal(Code.Ok, route.Status.Code);
    }

    private async Task AssertRefusedAndStillServing(Apache.Rocketmq.V2.Status status, Code expected)
    {
        Assert.Equal(expected, status.Code);
        Assert.False(string.IsNullOrWhiteSpace(status.Message));
        using var client = new RawBrokerClient(fixture.Broker.GrpcEndpoint);
        var probe = await client.SendAsync(Ct, RawBrokerClient.NewMessage(Topic, "{\"probe\":true}"));
        Assert.Equal(Code.Ok, probe.Status.Code);
    }
}

/// <summary>With <c>autoCreateTopicEnable=false</c>, an unknown topic is TOPIC_NOT_FOUND with advice on creating it.</summary>
public sealed class UnknownTopicTests : IAsyncLifetime
{
    private BrokerProcess _broker = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() =>
        _broker = await BrokerProcess.StartNewAsync(new BrokerOptions { AutoCreateTopicEnable = false }, Ct);

    public async ValueTask DisposeAsync() => await _broker.DisposeAsync();

    [Fact]
    public async Task Unknown_topic_with_auto_create_off_is_TOPIC_NOT_FOUND_for_route_send_and_receive()
    {
        using var client = new RawBrokerClient(_broker.GrpcEndpoint);
        var route = await client.QueryRouteAsync("no-such-topic", Ct);
        var send = await client.SendAsync(Ct, RawBrokerClient.NewMessage("no-such-topic", "{}"));
        var (receive, _) = await client.ReceiveAsync("g", "no-such-topic", "*", TimeSpan.FromSeconds(30), TimeSpan.Zero, Ct);

        Assert.Equal(Code.TopicNotFound, route.Status.Code);
        Assert.Contains("mqadmin updateTopic", route.Status.Message, StringComparison.Ordinal);
        Assert.Equal(Code.TopicNotFound, send.Status.Code);
        Assert.Equal(Code.TopicNotFound, receive.Code);
        Assert.True(_broker.IsRunning);
    }
}
