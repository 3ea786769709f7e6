using System.Diagnostics;
using Apache.Rocketmq.V2;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using RocketTax.RocketMQ.Client.Transport;

namespace RocketTax.RocketMQ.Client.Tests.Transport;

/// <summary>The native HTTP/2 invoker against a real broker: every call shape the client uses, flow control, concurrency.</summary>
public sealed class Http2CallInvokerTests(ClientBrokerFixture fixture) : IClassFixture<ClientBrokerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly Metadata Headers = new() { { "x-mq-client-id", "invoker-test@" + Environment.ProcessId }, { "x-mq-language", "DOTNET" } };

    [Fact(Timeout = 60_000)]
    public async Task Unary_calls_answer_with_headers_status_and_trailers()
    {
        using var invoker = Invoker();
        var client = new MessagingService.MessagingServiceClient(invoker);

        using var call = client.QueryRouteAsync(new QueryRouteRequest { Topic = new Resource { Name = "invoker-unary-topic" } }, Headers, Deadline(), Ct);
        var route = await call;

        Assert.Equal(Code.Ok, route.Status.Code);
        Assert.NotEmpty(route.MessageQueues);
        Assert.NotNull(await call.ResponseHeadersAsync);
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
        Assert.NotNull(call.GetTrailers());
    }

    [Fact(Timeout = 60_000)]
    public async Task Server_streaming_receive_long_polls_and_ends_with_its_status()
    {
        const string topic = "invoker-receive-topic";
        using var invoker = Invoker();
        var client = await RoutedClientAsync(invoker, topic);
        var sent = await client.SendMessageAsync(Send(topic, ByteString.CopyFromUtf8("streamed")), Headers, Deadline(), Ct);
        Assert.Equal(Code.Ok, sent.Status.Code);

        var received = await ReceiveAsync(client, topic, "invoker-receive-group", TimeSpan.FromSeconds(2), Deadline(10), Ct);

        Assert.Equal("streamed", Assert.Single(received).Body.ToStringUtf8());
    }

    [Fact(Timeout = 60_000)]
    public async Task A_deadline_shorter_than_the_long_poll_ends_the_receive_by_the_deadline()
    {
        const string topic = "invoker-deadline-topic";
        using var invoker = Invoker();
        var client = await RoutedClientAsync(invoker, topic);

        // The deadline travels as grpc-timeout: the broker may answer "no message" just before it, or the client
        // gives up at it; either way the 20 s long poll does not run its course.
        var clock = Stopwatch.StartNew();
        try
        {
            Assert.Empty(await ReceiveAsync(client, topic, "invoker-deadline-group", TimeSpan.FromSeconds(20), Deadline(1), Ct));
        }
        catch (RpcException ex)
        {
            Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
        }

        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(5));
    }

    [Fact(Timeout = 60_000)]
    public async Task Cancelling_a_long_poll_ends_it_with_Cancelled_and_the_connection_keeps_serving()
    {
        const string topic = "invoker-cancel-topic";
        using var invoker = Invoker();
        var client = await RoutedClientAsync(invoker, topic);

        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var receive = ReceiveAsync(client, topic, "invoker-cancel-group", TimeSpan.FromSeconds(20), Deadline(30), cancel.Token);
        cancel.CancelAfter(TimeSpan.FromMilliseconds(300));
        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<RpcException>(() => receive);

        Assert.Equal(StatusCode.Cancelled, error.StatusCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"cancellation took {clock.Elapsed}");
        var route = await client.QueryRouteAsync(new QueryRouteRequest { Topic = new Resource { Name = topic } }, Headers, Deadline(), Ct);
        Assert.Equal(Code.Ok, route.Status.Code);
        Assert.Equal(1, invoker.ConnectionCount);
    }

    [Fact(Timeout = 60_000)]
    public async Task Duplex_telemetry_carries_the_clients_settings_and_the_servers_answer()
    {
        const string topic = "invoker-telemetry-topic";
        using var invoker = Invoker();
        var client = await RoutedClientAsync(invoker, topic);

        using var call = client.Telemetry(Headers, cancellationToken: Ct);
        var settings = new Settings
        {
            ClientType = ClientType.Producer,
            RequestTimeout = Duration.FromTimeSpan(TimeSpan.FromSeconds(3)),
            Publishing = new Publishing { Topics = { new Resource { Name = topic } } },
        };
        await call.RequestStream.WriteAsync(new TelemetryCommand { Settings = settings }, Ct);

        Assert.True(await call.ResponseStream.MoveNext(Ct));
        Assert.Equal(TelemetryCommand.CommandOneofCase.Settings, call.ResponseStream.Current.CommandCase);
        Assert.True(call.ResponseStream.Current.Settings.Publishing.MaxBodySize > 0);

        // The stream stays open for more: a second write is answered too.
        await call.RequestStream.WriteAsync(new TelemetryCommand { Settings = settings }, Ct);
        Assert.True(await call.ResponseStream.MoveNext(Ct));
        await call.RequestStream.CompleteAsync();
    }

    [Fact(Timeout = 120_000)]
    public async Task A_4_MiB_body_goes_out_and_comes_back_through_64_KiB_stream_windows()
    {
        const string topic = "invoker-large-topic";
        using var invoker = Invoker();
        var client = await RoutedClientAsync(invoker, topic);
        var body = new byte[4 * 1024 * 1024];
        new Random(42).NextBytes(body);

        var sent = await client.SendMessageAsync(Send(topic, ByteString.CopyFrom(body)), Headers, Deadline(30), Ct);
        Assert.Equal(Code.Ok, sent.Status.Code);
        var received = await ReceiveAsync(client, topic, "invoker-large-group", TimeSpan.FromSeconds(2), Deadline(30), Ct);

        Assert.True(Assert.Single(received).Body.Span.SequenceEqual(body));
    }

    [Fact(Timeout = 120_000)]
    public async Task Many_concurrent_calls_share_one_connection()
    {
        const string topic = "invoker-concurrent-topic";
        using var invoker = Invoker();
        var client = await RoutedClientAsync(invoker, topic);

        var sends = Enumerable.Range(0, 500).Select(async i =>
            (await client.SendMessageAsync(Send(topic, ByteString.CopyFromUtf8($"m{i}")), Headers, Deadline(30), Ct)).Status.Code).ToArray();
        var codes = await Task.WhenAll(sends);

        // Every call is answered on the one connection; a busy store may refuse some sends (TOO_MANY_REQUESTS), which
        // is the broker's answer, not a transport failure.
        Assert.All(codes, code => Assert.Contains(code, new[] { Code.Ok, Code.TooManyRequests }));
        Assert.Contains(Code.Ok, codes);
        Assert.Equal(1, invoker.ConnectionCount);
    }

    [Fact(Timeout = 60_000)]
    public async Task TLS_with_ALPN_h2_carries_calls_and_an_untrusted_certificate_is_refused_unless_validation_is_off()
    {
        // The broker answers TLS on its gRPC port with a self-signed certificate.
        using var trusting = Invoker(new Http2TransportOptions { UseTls = true, ValidateServerCertificate = false, ConnectTimeout = Clients.RequestTimeout });
        var route = await new MessagingService.MessagingServiceClient(trusting)
            .QueryRouteAsync(new QueryRouteRequest { Topic = new Resource { Name = "invoker-tls-topic" } }, Headers, Deadline(), Ct);
        Assert.Equal(Code.Ok, route.Status.Code);

        using var validating = Invoker(new Http2TransportOptions { UseTls = true, ConnectTimeout = Clients.RequestTimeout });
        var error = await Assert.ThrowsAsync<RpcException>(() => new MessagingService.MessagingServiceClient(validating)
            .QueryRouteAsync(new QueryRouteRequest { Topic = new Resource { Name = "invoker-tls-topic" } }, Headers, Deadline(), Ct).ResponseAsync);
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
    }

    [Fact(Timeout = 30_000)]
    public async Task Client_streaming_and_blocking_calls_are_refused_with_a_reason()
    {
        using var invoker = Invoker();
        var method = new Method<Empty, Empty>(MethodType.ClientStreaming, "test.Service", "Upload", Marshallers.Create(_ => [], _ => new Empty()), Marshallers.Create(_ => [], _ => new Empty()));

        Assert.Contains("client-streaming", Assert.Throws<NotSupportedException>(() => invoker.AsyncClientStreamingCall(method, null, default)).Message);
        Assert.Contains("blocking", Assert.Throws<NotSupportedException>(() => invoker.BlockingUnaryCall(method, null, default, new Empty())).Message);
        await Task.CompletedTask;
    }

    private Http2CallInvoker Invoker(Http2TransportOptions? options = null)
    {
        var colon = fixture.Endpoint.LastIndexOf(':');
        return new Http2CallInvoker(fixture.Endpoint[..colon], int.Parse(fixture.Endpoint[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture),
            options ?? new Http2TransportOptions { ConnectTimeout = Clients.RequestTimeout });
    }

    /// <summary>A client over the invoker, with the topic's route queried (which creates the topic).</summary>
    private static async Task<MessagingService.MessagingServiceClient> RoutedClientAsync(Http2CallInvoker invoker, string topic)
    {
        var client = new MessagingService.MessagingServiceClient(invoker);
        var route = await client.QueryRouteAsync(new QueryRouteRequest { Topic = new Resource { Name = topic } }, Headers, Deadline(), Ct);
        Assert.Equal(Code.Ok, route.Status.Code);
        return client;
    }

    private static DateTime Deadline(int seconds = 10) => DateTime.UtcNow.AddSeconds(seconds);

    private static SendMessageRequest Send(string topic, ByteString body) => new()
    {
        Messages =
        {
            new Apache.Rocketmq.V2.Message
            {
                Topic = new Resource { Name = topic },
                Body = body,
                SystemProperties = new SystemProperties
                {
                    MessageId = Guid.NewGuid().ToString("N").ToUpperInvariant(),
                    BornTimestamp = Timestamp.FromDateTime(DateTime.UtcNow),
                    BornHost = "127.0.0.1",
                    MessageType = MessageType.Normal,
                    BodyEncoding = Apache.Rocketmq.V2.Encoding.Identity,
                    QueueId = -1,
                },
            },
        },
    };

    private static async Task<List<Apache.Rocketmq.V2.Message>> ReceiveAsync(
        MessagingService.MessagingServiceClient client, string topic, string group, TimeSpan longPolling, DateTime deadline, CancellationToken cancellationToken)
    {
        var request = new ReceiveMessageRequest
        {
            Group = new Resource { Name = group },
            MessageQueue = new MessageQueue { Topic = new Resource { Name = topic }, Id = -1 },
            FilterExpression = new Apache.Rocketmq.V2.FilterExpression { Type = FilterType.Tag, Expression = "*" },
            BatchSize = 32,
            InvisibleDuration = Duration.FromTimeSpan(TimeSpan.FromSeconds(30)),
            LongPollingTimeout = Duration.FromTimeSpan(longPolling),
        };
        var token = cancellationToken;
        using var call = client.ReceiveMessage(request, Headers, deadline, token);
        var messages = new List<Apache.Rocketmq.V2.Message>();
        while (await call.ResponseStream.MoveNext(token))
        {
            if (call.ResponseStream.Current.ContentCase == ReceiveMessageResponse.ContentOneofCase.Message)
            {
                messages.Add(call.ResponseStream.Current.Message);
            }
        }

        return messages;
    }
}
