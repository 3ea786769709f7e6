namespace RocketTax.RocketMQ.Client.Tests;

/// <summary>Client options against a test broker.</summary>
public static class Clients
{
    /// <summary>
    /// Longer than the 3 s default: on a 2-core machine running every test project at once, a client's first call
    /// (JIT, a new HTTP/2 connection, the broker answering Settings) can take longer without anything being wrong.
    /// </summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Both gRPC transports, for tests that run once with each.</summary>
    public static TheoryData<GrpcTransport> Transports => [GrpcTransport.GrpcNetClient, GrpcTransport.Native];

    public static ProducerOptions Producer(string endpoint, GrpcTransport transport = GrpcTransport.Native) =>
        new() { Endpoints = endpoint, RequestTimeout = RequestTimeout, Transport = transport };

    public static SimpleConsumerOptions Simple(
        string endpoint, string group, string topic, string filter = "*", int awaitSeconds = 2, GrpcTransport transport = GrpcTransport.Native) => new()
    {
        Endpoints = endpoint,
        Transport = transport,
        RequestTimeout = RequestTimeout,
        ConsumerGroup = group,
        Subscriptions = new Dictionary<string, FilterExpression> { [topic] = new(filter) },
        AwaitDuration = TimeSpan.FromSeconds(awaitSeconds),
    };

    public static PushConsumerOptions Push(string endpoint, string group, string topic, string filter = "*", GrpcTransport transport = GrpcTransport.Native) => new()
    {
        Endpoints = endpoint,
        Transport = transport,
        RequestTimeout = RequestTimeout,
        ConsumerGroup = group,
        Subscriptions = new Dictionary<string, FilterExpression> { [topic] = new(filter) },
        MaxConcurrency = 4,
        MaxCachedMessages = 64,
    };

    /// <summary>Receives until <paramref name="count"/> messages arrived or <paramref name="within"/> passed.</summary>
    public static async Task<List<MessageView>> ReceiveAtLeastAsync(SimpleConsumer consumer, int count, TimeSpan within, bool ack, CancellationToken cancellationToken)
    {
        var received = new List<MessageView>();
        var deadline = DateTime.UtcNow + within;
        while (received.Count < count && DateTime.UtcNow < deadline)
        {
            var batch = await consumer.ReceiveAsync(Math.Min(32, count - received.Count), TimeSpan.FromSeconds(30), cancellationToken);
            foreach (var message in batch)
            {
                received.Add(message);
                if (ack)
                {
                    await consumer.AckAsync(message, cancellationToken);
                }
            }
        }

        return received;
    }
}
