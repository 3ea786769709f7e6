using Apache.Rocketmq.V2;
using Grpc.Core;
using RocketTax.RocketMQ.Client.Transport;
using RocketTax.RocketMQ.Http2;

namespace RocketTax.RocketMQ.Client.Tests.Transport;

/// <summary>The native invoker against a scripted HTTP/2 server: the answers and failures a real broker rarely gives.</summary>
public sealed class Http2CallInvokerErrorTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly QueryRouteRequest Request = new() { Topic = new Resource { Name = "scripted" } };

    [Theory(Timeout = 30_000)]
    [InlineData("404", "text/plain", StatusCode.Unimplemented, "404")]
    [InlineData("503", "text/plain", StatusCode.Unavailable, "503")]
    [InlineData("200", "text/html", StatusCode.Internal, "text/html")]
    public async Task An_answer_that_is_not_gRPC_fails_the_call_naming_what_is_wrong(string httpStatus, string contentType, StatusCode expected, string named)
    {
        await using var server = new ScriptedHttp2Server(async (c, r) =>
        {
            await c.SendHeadersAsync(r.StreamId, false, (":status", httpStatus), ("content-type", contentType));
            await c.SendDataAsync(r.StreamId, "<html></html>"u8.ToArray(), endStream: true);
        });
        using var invoker = Invoker(server);

        var error = await QueryRouteFailureAsync(invoker);

        Assert.Equal(expected, error.StatusCode);
        Assert.Contains(named, error.Status.Detail);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_trailers_only_answer_carries_the_status_and_its_percent_encoded_message()
    {
        await using var server = new ScriptedHttp2Server((c, r) => c.SendHeadersAsync(r.StreamId, true,
            (":status", "200"), ("content-type", "application/grpc"), ("grpc-status", "5"), ("grpc-message", "topic%20not%20found%20%E2%9C%93"), ("x-reason", "scripted")));
        using var invoker = Invoker(server);

        using var call = Client(invoker).QueryRouteAsync(Request, deadline: Deadline(), cancellationToken: Ct);
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Equal("topic not found ✓", error.Status.Detail);
        Assert.Equal("scripted", call.GetTrailers().GetValue("x-reason"));
        Assert.Equal(StatusCode.NotFound, call.GetStatus().StatusCode);
    }

    [Fact(Timeout = 30_000)]
    public async Task An_answer_exposes_its_headers_and_trailers_and_the_request_carries_its_deadline()
    {
        var requests = new List<ScriptedHttp2Server.Request>();
        await using var server = new ScriptedHttp2Server(async (c, r) =>
        {
            lock (requests)
            {
                requests.Add(r);
            }

            await c.SendHeadersAsync(r.StreamId, false, (":status", "200"), ("content-type", "application/grpc"), ("x-served-by", "script"));
            await c.SendDataAsync(r.StreamId, ScriptedHttp2Server.Framed(new QueryRouteResponse { Status = new Apache.Rocketmq.V2.Status { Code = Code.Ok } }), endStream: false);
            await c.SendHeadersAsync(r.StreamId, true, ("grpc-status", "0"), ("x-trailer", "last"));
        });
        using var invoker = Invoker(server);

        using var call = Client(invoker).QueryRouteAsync(Request, new Metadata { { "x-mq-client-id", "scripted-client" } }, Deadline(), Ct);
        var response = await call;

        Assert.Equal(Code.Ok, response.Status.Code);
        Assert.Equal("script", (await call.ResponseHeadersAsync).GetValue("x-served-by"));
        Assert.Equal("last", call.GetTrailers().GetValue("x-trailer"));
        var request = Assert.Single(requests);
        Assert.Equal("POST", request.Headers[":method"]);
        Assert.Equal("/apache.rocketmq.v2.MessagingService/QueryRoute", request.Headers[":path"]);
        Assert.Equal("application/grpc", request.Headers["content-type"]);
        Assert.Equal("trailers", request.Headers["te"]);
        Assert.Equal("scripted-client", request.Headers["x-mq-client-id"]);
        Assert.Matches("^[0-9]{1,8}[umS]$", request.Headers["grpc-timeout"]);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_bad_frame_fails_the_calls_Unavailable_and_the_server_hears_GOAWAY_PROTOCOL_ERROR()
    {
        await using var server = new ScriptedHttp2Server((c, r) => c.SendRawFrameAsync(Http2FrameType.Data, Http2FrameFlags.None, 0, [1, 2, 3]));
        using var invoker = Invoker(server);

        var error = await QueryRouteFailureAsync(invoker);

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Equal(Http2ErrorCode.ProtocolError, await server.GoAway.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct));
    }

    [Theory(Timeout = 30_000)]
    [InlineData(false, "failed")]
    [InlineData(true, "GOAWAY")]
    public async Task A_connection_ending_mid_call_fails_it_Unavailable_and_the_next_call_opens_a_new_one(bool goAway, string named)
    {
        await using var server = new ScriptedHttp2Server(async (c, r) =>
        {
            if (r.ConnectionNumber > 1)
            {
                await c.SendOkAsync(r.StreamId, new QueryRouteResponse { Status = new Apache.Rocketmq.V2.Status { Code = Code.Ok } });
            }
            else if (goAway)
            {
                // Last stream 0: the server processed none of this connection's calls.
                await c.SendGoAwayAsync(0, Http2ErrorCode.NoError);
            }
            else
            {
                c.Abort();
            }
        });
        using var invoker = Invoker(server);

        var error = await QueryRouteFailureAsync(invoker);
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Contains(named, error.Status.Detail);

        Assert.Equal(Code.Ok, (await Client(invoker).QueryRouteAsync(Request, deadline: Deadline(), cancellationToken: Ct)).Status.Code);
        Assert.Equal(2, server.Accepted);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_second_connection_opens_when_the_servers_stream_limit_is_reached()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = new ScriptedHttp2Server(async (c, r) =>
        {
            await release.Task;
            await c.SendOkAsync(r.StreamId, new QueryRouteResponse { Status = new Apache.Rocketmq.V2.Status { Code = Code.Ok } });
        }, [new Http2Setting(Http2SettingId.MaxConcurrentStreams, 1)]);
        using var invoker = Invoker(server);
        var client = Client(invoker);

        // The client must have applied the server's SETTINGS (it acknowledges them) before the second call picks a connection.
        var first = client.QueryRouteAsync(Request, deadline: Deadline(), cancellationToken: Ct).ResponseAsync;
        await server.SettingsAcknowledged.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        var second = client.QueryRouteAsync(Request, deadline: Deadline(), cancellationToken: Ct).ResponseAsync;
        await Eventually.TrueAsync(() => server.Accepted == 2, TimeSpan.FromSeconds(10), "a second connection", Ct);
        release.SetResult();

        Assert.Equal(Code.Ok, (await first).Status.Code);
        Assert.Equal(Code.Ok, (await second).Status.Code);
        Assert.Equal(2, invoker.ConnectionCount);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_deadline_ends_the_call_DeadlineExceeded_and_resets_the_stream()
    {
        await using var server = new ScriptedHttp2Server((c, r) => c.SendOkHeadersAsync(r.StreamId));
        using var invoker = Invoker(server);

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            Client(invoker).QueryRouteAsync(Request, deadline: DateTime.UtcNow.AddMilliseconds(500), cancellationToken: Ct).ResponseAsync);

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        await server.ResetReceived.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Contains(server.Resets, reset => reset.Code == Http2ErrorCode.Cancel);
    }

    [Fact(Timeout = 30_000)]
    public async Task Cancellation_ends_the_call_Cancelled_and_resets_the_stream_CANCEL()
    {
        await using var server = new ScriptedHttp2Server((c, r) => c.SendOkHeadersAsync(r.StreamId));
        using var invoker = Invoker(server);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        using var call = Client(invoker).QueryRouteAsync(Request, deadline: Deadline(), cancellationToken: cancel.Token);
        await call.ResponseHeadersAsync;
        await cancel.CancelAsync();
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);

        Assert.Equal(StatusCode.Cancelled, error.StatusCode);
        await server.ResetReceived.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Contains(server.Resets, reset => reset.Code == Http2ErrorCode.Cancel);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_reader_that_has_not_taken_its_messages_gives_no_window_back_until_it_does()
    {
        var message = ScriptedHttp2Server.Framed(new ReceiveMessageResponse { Message = new Apache.Rocketmq.V2.Message { Body = Google.Protobuf.ByteString.CopyFrom(new byte[20 * 1024]) } });
        await using var server = new ScriptedHttp2Server(async (c, r) =>
        {
            await c.SendOkHeadersAsync(r.StreamId);
            await c.SendDataAsync(r.StreamId, message, endStream: false);
            await c.SendDataAsync(r.StreamId, message, endStream: false);
            await c.SendPingAsync();
        });
        using var invoker = Invoker(server);

        using var call = Client(invoker).ReceiveMessage(new ReceiveMessageRequest(), deadline: Deadline(), cancellationToken: Ct);
        await server.PingAcknowledged.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Empty(server.StreamWindowUpdates);

        Assert.True(await call.ResponseStream.MoveNext(Ct));
        Assert.True(await call.ResponseStream.MoveNext(Ct));
        await server.StreamWindowUpdated.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Equal(2 * message.Length, Assert.Single(server.StreamWindowUpdates).Increment);
    }

    [Fact(Timeout = 30_000)]
    public async Task DATA_beyond_the_streams_window_fails_the_call_and_resets_the_stream()
    {
        var message = ScriptedHttp2Server.Framed(new ReceiveMessageResponse { Message = new Apache.Rocketmq.V2.Message { Body = Google.Protobuf.ByteString.CopyFrom(new byte[16 * 1024 - 64]) } });
        await using var server = new ScriptedHttp2Server(async (c, r) =>
        {
            await c.SendOkHeadersAsync(r.StreamId);
            for (var i = 0; i < 5; i++)
            {
                await c.SendDataAsync(r.StreamId, message, endStream: false);
            }
        });
        using var invoker = Invoker(server);

        using var call = Client(invoker).ReceiveMessage(new ReceiveMessageRequest(), deadline: Deadline(), cancellationToken: Ct);
        await server.ResetReceived.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await call.ResponseStream.MoveNext(Ct))
            {
            }
        });

        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.Contains("flow-control window", error.Status.Detail);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_connection_whose_keepalive_PING_goes_unanswered_fails_its_calls_Unavailable()
    {
        // The scripted server never answers PINGs: it only acknowledges SETTINGS.
        await using var server = new ScriptedHttp2Server((c, r) => c.SendOkHeadersAsync(r.StreamId));
        using var invoker = Invoker(server, new Http2TransportOptions { KeepAliveDelay = TimeSpan.FromMilliseconds(300), KeepAliveTimeout = TimeSpan.FromMilliseconds(300) });

        var error = await Assert.ThrowsAsync<RpcException>(() => Client(invoker).QueryRouteAsync(Request, deadline: Deadline(20), cancellationToken: Ct).ResponseAsync);

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Contains("PING", error.Status.Detail);
    }

    [Fact(Timeout = 30_000)]
    public async Task An_endpoint_nobody_listens_on_fails_Unavailable()
    {
        using var invoker = new Http2CallInvoker("127.0.0.1", FreePort.Next());

        var error = await QueryRouteFailureAsync(invoker);

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
    }

    private static Http2CallInvoker Invoker(ScriptedHttp2Server server, Http2TransportOptions? options = null) => new("127.0.0.1", server.Port, options);

    private static Task<RpcException> QueryRouteFailureAsync(Http2CallInvoker invoker) =>
        Assert.ThrowsAsync<RpcException>(() => Client(invoker).QueryRouteAsync(Request, deadline: Deadline(), cancellationToken: Ct).ResponseAsync);

    private static MessagingService.MessagingServiceClient Client(Http2CallInvoker invoker) => new(invoker);

    private static DateTime Deadline(int seconds = 10) => DateTime.UtcNow.AddSeconds(seconds);
}
