using System.Buffers.Binary;
using System.Diagnostics;
using Apache.Rocketmq.V2;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using RocketTax.RocketMQ.Broker.Tests.Messaging;
using RocketTax.RocketMQ.Http2;
using Status = Apache.Rocketmq.V2.Status;

namespace RocketTax.RocketMQ.Broker.Tests.Transport;

/// <summary>
/// What <c>grpcTransport=native</c> must do beyond the RPCs every gRPC test already covers: HTTP/2's rules (preface,
/// settings, windows, concurrent streams), gRPC's statuses for what a handler never sees, deadlines and cancellation.
/// </summary>
public sealed class NativeGrpcTransportTests(NativeBrokerFixture fixture) : IClassFixture<NativeBrokerFixture>
{
    private const string MessagingService = "/apache.rocketmq.v2.MessagingService/";
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(30);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 60_000)]
    public async Task Unknown_method_is_answered_UNIMPLEMENTED()
    {
        using var channel = GrpcChannel.ForAddress($"http://{fixture.Broker.GrpcEndpoint}");
        var method = new Method<Empty, Empty>(MethodType.Unary, "apache.rocketmq.v2.MessagingService", "NoSuchMethod",
            Marshallers.Create(m => m.ToByteArray(), Empty.Parser.ParseFrom), Marshallers.Create(m => m.ToByteArray(), Empty.Parser.ParseFrom));

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await channel.CreateCallInvoker().AsyncUnaryCall(method, null, new CallOptions(deadline: DateTime.UtcNow + Within, cancellationToken: Ct), new Empty()));

        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
        Assert.Contains("NoSuchMethod", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Long_polling_receive_answers_before_the_call_deadline_not_at_the_end_of_its_polling_time()
    {
        using var channel = GrpcChannel.ForAddress($"http://{fixture.Broker.GrpcEndpoint}");
        var client = new MessagingService.MessagingServiceClient(channel);
        using (var routes = new RawBrokerClient(fixture.Broker.GrpcEndpoint))
        {
            Assert.Equal(Code.Ok, (await routes.QueryRouteAsync("deadline-topic", Ct)).Status.Code);
        }

        var clock = Stopwatch.StartNew();

        using var call = client.ReceiveMessage(LongPoll.Request("deadline-topic", "deadline-group", TimeSpan.FromSeconds(20)), Headers(), DateTime.UtcNow.AddSeconds(2), Ct);
        var statuses = new List<Status>();
        await foreach (var response in call.ResponseStream.ReadAllAsync(Ct))
        {
            if (response.ContentCase == ReceiveMessageResponse.ContentOneofCase.Status)
            {
                statuses.Add(response.Status);
            }
        }

        Assert.Equal(Code.MessageNotFound, Assert.Single(statuses).Code);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5));
    }

    [Fact(Timeout = 60_000)]
    public async Task Client_cancelling_a_long_poll_ends_the_server_call_so_it_takes_no_message()
    {
        const string topic = "cancel-topic";
        const string group = "cancel-group";
        using var client = new RawBrokerClient(fixture.Broker.GrpcEndpoint);
        Assert.Equal(Code.Ok, (await client.QueryRouteAsync(topic, Ct)).Status.Code);

        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var abandoned = client.ReceiveAsync(group, topic, "*", TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(25), cancel.Token);

        // A later call on the same connection answered: the broker has read the poll's frames before it.
        Assert.Equal(Code.Ok, (await client.QueryRouteAsync(topic, Ct)).Status.Code);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<Exception>(() => abandoned);

        Assert.Equal(Code.Ok, (await client.SendAsync(Ct, RawBrokerClient.NewMessage(topic, "after the cancel"))).Status.Code);

        // Had the cancelled poll lived on, it would have taken the message out of sight for five minutes.
        var received = await client.ReceiveAtLeastAsync(group, topic, 1, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10), Ct);
        Assert.Equal("after the cancel", Assert.Single(received).Body.ToStringUtf8());
    }

    [Fact(Timeout = 120_000)]
    public async Task A_4_MiB_message_goes_both_ways_through_HTTP2s_default_64_KiB_windows()
    {
        const string topic = "large-topic";
        var body = new byte[(4 * 1024 * 1024) - (16 * 1024)];
        Random.Shared.NextBytes(body);
        using var channel = GrpcChannel.ForAddress($"http://{fixture.Broker.GrpcEndpoint}", new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { InitialHttp2StreamWindowSize = Http2Frames.DefaultInitialWindowSize },
            DisposeHttpClient = true,
            MaxReceiveMessageSize = 8 * 1024 * 1024,
        });
        using var client = new RawBrokerClient(channel);
        var message = RawBrokerClient.NewMessage(topic, string.Empty);
        message.Body = ByteString.CopyFrom(body);

        Assert.Equal(Code.Ok, (await client.SendAsync(Ct, message)).Status.Code);
        var received = await client.ReceiveAtLeastAsync("large-group", topic, 1, TimeSpan.FromSeconds(30), Within, Ct);

        Assert.True(Assert.Single(received).Body.Span.SequenceEqual(body), "the received body differs from the one sent");
    }

    [Fact(Timeout = 120_000)]
    public async Task Hundreds_of_concurrent_calls_share_one_connection()
    {
        const string topic = "concurrent-topic";
        using var client = new RawBrokerClient(fixture.Broker.GrpcEndpoint);
        Assert.Equal(Code.Ok, (await client.QueryRouteAsync(topic, Ct)).Status.Code);

        var sends = await Task.WhenAll(Enumerable.Range(0, 600).Select(i => client.SendAsync(Ct, RawBrokerClient.NewMessage(topic, $"message {i}"))));

        Assert.All(sends, s => Assert.Equal(Code.Ok, s.Status.Code));
        Assert.Equal(600, sends.Select(s => Assert.Single(s.Entries).MessageId).Distinct().Count());
    }

    [Fact(Timeout = 30_000)]
    public async Task Settings_announce_1024_streams_and_larger_windows_and_are_acknowledged()
    {
        await using var raw = await RawHttp2Client.ConnectAsync(fixture.Broker.GrpcPort, Ct);
        await raw.SendPrefaceAsync(Ct);

        var settings = await raw.ReadFrameAsync(Ct) ?? throw new InvalidOperationException("the broker closed the connection");
        Assert.Equal(Http2FrameType.Settings, settings.Header.Type);
        var announced = Enumerable.Range(0, settings.Payload.Length / 6).ToDictionary(
            i => (Http2SettingId)BinaryPrimitives.ReadUInt16BigEndian(settings.Payload.AsSpan(i * 6)),
            i => BinaryPrimitives.ReadUInt32BigEndian(settings.Payload.AsSpan((i * 6) + 2)));
        Assert.Equal(1024u, announced[Http2SettingId.MaxConcurrentStreams]);
        Assert.True(announced[Http2SettingId.InitialWindowSize] > Http2Frames.DefaultInitialWindowSize);
        var connectionWindow = await raw.ReadUntilAsync(Http2FrameType.WindowUpdate, Ct) ?? throw new InvalidOperationException("no WINDOW_UPDATE");
        Assert.Equal(0, connectionWindow.Header.StreamId);

        var ack = await raw.ReadUntilAsync(Http2FrameType.Settings, Ct);
        Assert.True(ack?.Header.HasFlag(Http2FrameFlags.Ack));
        await raw.SendAsync(output => Http2Frames.WritePing(output, 0x0123456789ABCDEF, ack: false), Ct);
        var pong = await raw.ReadUntilAsync(Http2FrameType.Ping, Ct) ?? throw new InvalidOperationException("no PING acknowledgement");
        Assert.True(pong.Header.HasFlag(Http2FrameFlags.Ack));
        Assert.Equal(0x0123456789ABCDEFUL, BinaryPrimitives.ReadUInt64BigEndian(pong.Payload));
    }

    [Fact(Timeout = 30_000)]
    public async Task A_connection_not_opening_with_the_HTTP2_preface_gets_GOAWAY_and_is_closed()
    {
        await using var raw = await RawHttp2Client.ConnectAsync(fixture.Broker.GrpcPort, Ct);
        await raw.SendRawAsync("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"u8.ToArray(), Ct);

        var goAway = await raw.ReadUntilAsync(Http2FrameType.GoAway, Ct) ?? throw new InvalidOperationException("closed without GOAWAY");
        Assert.Equal(Http2ErrorCode.ProtocolError, (Http2ErrorCode)BinaryPrimitives.ReadUInt32BigEndian(goAway.Payload.AsSpan(4)));
        Assert.Null(await raw.ReadFrameAsync(Ct));
    }

    [Fact(Timeout = 30_000)]
    public async Task A_compressed_request_message_is_answered_UNIMPLEMENTED()
    {
        var status = await CallRawAsync(MessagingService + "QueryRoute", [.. RawHttp2Client.MessagePrefix(compressed: true, 2), 0x0A, 0x00]);

        Assert.Equal("12", status["grpc-status"]);
        Assert.Contains("compressed", status["grpc-message"], StringComparison.Ordinal);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_request_message_over_the_size_limit_is_answered_RESOURCE_EXHAUSTED_before_it_is_read()
    {
        var status = await CallRawAsync(MessagingService + "SendMessage", RawHttp2Client.MessagePrefix(compressed: false, 1_000_000_000));

        Assert.Equal("8", status["grpc-status"]);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_header_block_split_over_HEADERS_and_CONTINUATION_is_one_request()
    {
        await using var raw = await RawHttp2Client.ConnectAsync(fixture.Broker.GrpcPort, Ct);
        await raw.SendPrefaceAsync(Ct);
        var block = raw.HeaderBlock(MessagingService + "QueryRoute");
        var request = new QueryRouteRequest { Topic = new Resource { Name = "continuation-topic" } }.ToByteArray();
        await raw.SendAsync(output =>
        {
            RawHttp2Client.WriteFrame(output, Http2FrameType.Headers, Http2FrameFlags.None, 1, block.AsSpan(0, 10));
            RawHttp2Client.WriteFrame(output, Http2FrameType.Continuation, Http2FrameFlags.None, 1, block.AsSpan(10, 10));
            RawHttp2Client.WriteFrame(output, Http2FrameType.Continuation, Http2FrameFlags.EndHeaders, 1, block.AsSpan(20));
            Http2Frames.WriteData(output, 1, [.. RawHttp2Client.MessagePrefix(compressed: false, (uint)request.Length), .. request], endStream: true);
        }, Ct);

        var headers = await raw.ReadUntilAsync(Http2FrameType.Headers, Ct, streamId: 1) ?? throw new InvalidOperationException("no response HEADERS");
        Assert.Equal("200", raw.Decode(headers.Payload)[":status"]);
        var data = await raw.ReadUntilAsync(Http2FrameType.Data, Ct, streamId: 1) ?? throw new InvalidOperationException("no response DATA");
        var response = QueryRouteResponse.Parser.ParseFrom(data.Payload.AsSpan(5));
        Assert.Equal(Code.Ok, response.Status.Code);
        var trailers = await raw.ReadUntilAsync(Http2FrameType.Headers, Ct, streamId: 1) ?? throw new InvalidOperationException("no trailers");
        Assert.True(trailers.Header.HasFlag(Http2FrameFlags.EndStream));
        Assert.Equal("0", raw.Decode(trailers.Payload)["grpc-status"]);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_stream_past_the_1024_open_ones_is_refused_and_the_connection_goes_on()
    {
        await using var raw = await RawHttp2Client.ConnectAsync(fixture.Broker.GrpcPort, Ct);
        await raw.SendPrefaceAsync(Ct);
        var telemetry = raw.HeaderBlock(MessagingService + "Telemetry");

        // 1,025 Telemetry streams, open because the client never ends its side.
        const int opened = 1025;
        await raw.SendAsync(output =>
        {
            for (var i = 0; i < opened; i++)
            {
                Http2Frames.WriteHeaders(output, (2 * i) + 1, telemetry, endStream: false, Http2Frames.DefaultMaxFrameSize);
            }
        }, Ct);

        var refused = await raw.ReadUntilAsync(Http2FrameType.RstStream, Ct) ?? throw new InvalidOperationException("no stream was refused");
        Assert.Equal((2 * (opened - 1)) + 1, refused.Header.StreamId);
        Assert.Equal(Http2ErrorCode.RefusedStream, (Http2ErrorCode)BinaryPrimitives.ReadUInt32BigEndian(refused.Payload));
        await raw.SendAsync(output => Http2Frames.WritePing(output, 42, ack: false), Ct);
        Assert.NotNull(await raw.ReadUntilAsync(Http2FrameType.Ping, Ct));
    }

    [Fact(Timeout = 120_000)]
    public async Task A_client_flooding_PINGs_without_reading_the_replies_is_cut_off_with_ENHANCE_YOUR_CALM()
    {
        await using var raw = await RawHttp2Client.ConnectAsync(fixture.Broker.GrpcPort, Ct);
        await raw.SendPrefaceAsync(Ct);
        var pings = new System.Buffers.ArrayBufferWriter<byte>();
        for (var i = 0; i < 10_000; i++)
        {
            Http2Frames.WritePing(pings, (ulong)i, ack: false);
        }

        // Far more replies than the socket's buffers hold: the broker's queue of them fills up, then it gives up on the client.
        try
        {
            for (var round = 0; round < 200; round++)
            {
                await raw.SendRawAsync(pings.WrittenMemory, Ct);
            }
        }
        catch (IOException)
        {
            // The broker closed the connection while we were still sending.
        }

        // A broker that queued every reply would keep the connection open, and this read would time out. Closing a socket
        // with unread bytes resets it, which may discard the GOAWAY before it is read; when it arrives it says why.
        using var within = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        within.CancelAfter(Within);
        if (await raw.ReadUntilAsync(Http2FrameType.GoAway, within.Token) is { } goAway)
        {
            Assert.Equal(Http2ErrorCode.EnhanceYourCalm, (Http2ErrorCode)BinaryPrimitives.ReadUInt32BigEndian(goAway.Payload.AsSpan(4)));
            Assert.Null(await raw.ReadFrameAsync(within.Token));
        }
    }

    /// <summary>One call by hand; the fields of the trailers-only response.</summary>
    private async Task<IReadOnlyDictionary<string, string>> CallRawAsync(string path, byte[] body)
    {
        await using var raw = await RawHttp2Client.ConnectAsync(fixture.Broker.GrpcPort, Ct);
        await raw.SendPrefaceAsync(Ct);
        await raw.SendCallAsync(1, path, body, Ct);
        var response = await raw.ReadUntilAsync(Http2FrameType.Headers, Ct, streamId: 1) ?? throw new InvalidOperationException("no response HEADERS");
        Assert.True(response.Header.HasFlag(Http2FrameFlags.EndStream), "a failure before any message is a trailers-only response");
        var fields = raw.Decode(response.Payload);
        Assert.Equal("200", fields[":status"]);
        return fields;
    }

    private static Metadata Headers() => new() { { "x-mq-client-id", "native@test" } };
}
