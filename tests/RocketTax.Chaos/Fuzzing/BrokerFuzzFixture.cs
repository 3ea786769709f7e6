using Apache.Rocketmq.V2;
using Grpc.Net.Client;
using RocketTax.RocketMQ.Client;
using RocketTax.Testing;

namespace RocketTax.Chaos.Fuzzing;

/// <summary>One broker process for the wire fuzzers, and the health probe each runs after its inputs.</summary>
public sealed class BrokerFuzzFixture : IAsyncLifetime
{
    public const string Topic = "fuzz-topic";

    public BrokerProcess Broker { get; private set; } = null!;

    public GrpcChannel Channel { get; private set; } = null!;

    public MessagingService.MessagingServiceClient Client { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Broker = await BrokerProcess.StartNewAsync(null, TestContext.Current.CancellationToken);
        Channel = GrpcChannel.ForAddress($"http://{Broker.GrpcEndpoint}");
        Client = new MessagingService.MessagingServiceClient(Channel);
        // The first send creates the topic, so every test, whichever runs first, meets an existing one.
        await AssertHealthyAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>The broker process is alive and still does its job: a send and a receive through our client succeed.</summary>
    public async Task AssertHealthyAsync(CancellationToken cancellationToken)
    {
        Assert.True(Broker.IsRunning, $"The broker died.{Broker.LogTail()}");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        await using var producer = new Producer(new ProducerOptions { Endpoints = Broker.GrpcEndpoint, Topics = [Topic] });
        var receipt = await producer.SendAsync(new RocketTax.RocketMQ.Client.Message(Topic, "health probe"), timeout.Token);
        Assert.False(string.IsNullOrEmpty(receipt.MessageId));
    }

    public async ValueTask DisposeAsync()
    {
        Channel?.Dispose();
        if (Broker is not null)
        {
            await Broker.DisposeAsync();
        }
    }
}
