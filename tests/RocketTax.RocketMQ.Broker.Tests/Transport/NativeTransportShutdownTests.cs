using System.Diagnostics;
using Apache.Rocketmq.V2;
using Grpc.Core;
using Grpc.Net.Client;
using RocketTax.RocketMQ.Broker.Tests.Messaging;
using RocketTax.Testing;

namespace RocketTax.RocketMQ.Broker.Tests.Transport;

/// <summary>A broker stopping with calls in flight on the native transport: they answer, then the connection closes.</summary>
public sealed class NativeTransportShutdownTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 120_000)]
    public async Task Stopping_broker_lets_a_long_poll_in_flight_end_cleanly_and_exits_in_time()
    {
        const string topic = "shutdown-topic";
        await using var broker = await BrokerProcess.StartNewAsync(new BrokerOptions { GrpcTransport = "native" }, Ct);
        using var channel = GrpcChannel.ForAddress($"http://{broker.GrpcEndpoint}");
        using var client = new RawBrokerClient(channel);
        Assert.Equal(Code.Ok, (await client.QueryRouteAsync(topic, Ct)).Status.Code);
        var service = new MessagingService.MessagingServiceClient(channel);
        using var poll = service.ReceiveMessage(
            LongPoll.Request(topic, "shutdown-group", TimeSpan.FromSeconds(25)),
            new Metadata { { "x-mq-client-id", "shutdown@test" } },
            DateTime.UtcNow.AddSeconds(60),
            Ct);

        // A later call on the same connection answered: the broker has read the poll's frames before it.
        Assert.Equal(Code.Ok, (await client.QueryRouteAsync(topic, Ct)).Status.Code);
        var clock = Stopwatch.StartNew();
        var answered = ReadAllAsync(poll);
        await broker.StopAsync(Ct);

        var messages = await answered;
        Assert.Empty(messages);
        Assert.Equal(StatusCode.OK, poll.GetStatus().StatusCode);
        Assert.Equal(0, broker.ExitCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(8), $"the broker took {clock.Elapsed.TotalSeconds:0.0} s to stop");
        Assert.Contains(broker.Logs, line => line.Contains("shutdown OK", StringComparison.Ordinal));
    }

    private static async Task<List<Message>> ReadAllAsync(AsyncServerStreamingCall<ReceiveMessageResponse> call)
    {
        var messages = new List<Message>();
        await foreach (var response in call.ResponseStream.ReadAllAsync(Ct))
        {
            if (response.ContentCase == ReceiveMessageResponse.ContentOneofCase.Message)
            {
                messages.Add(response.Message);
            }
        }

        return messages;
    }
}
