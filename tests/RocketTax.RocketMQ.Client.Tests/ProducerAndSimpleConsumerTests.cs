using System.Diagnostics;
using System.Text;

namespace RocketTax.RocketMQ.Client.Tests;

/// <summary>Our producer and simple consumer against a real broker process.</summary>
public sealed class ProducerAndSimpleConsumerTests(ClientBrokerFixture fixture) : IClassFixture<ClientBrokerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(Clients.Transports), MemberType = typeof(Clients))]
    public async Task Sent_message_is_received_intact_and_acked_message_is_not_redelivered(GrpcTransport transport)
    {
        var topic = $"tax-data-topic-{transport}";
        await using var producer = new Producer(Clients.Producer(fixture.Endpoint, transport));
        var body = """{"title":"X市2021年度第一季度税务汇总数据"}""";
        var receipt = await producer.SendAsync(new Message(topic, body)
        {
            Tag = "2021S1",
            Keys = ["tax-2021S1-1", "X市-2021Q1"],
            Properties = new Dictionary<string, string> { ["city"] = "X市" },
        }, Ct);

        Assert.Matches("^01[0-9A-F]{32}$", receipt.MessageId);
        Assert.Equal(topic, receipt.Topic);
        Assert.Equal("broker-a", receipt.BrokerName);

        await using var consumer = new SimpleConsumer(Clients.Simple(fixture.Endpoint, $"round-trip-group-{transport}", topic, transport: transport));
        var received = Assert.Single(await Clients.ReceiveAtLeastAsync(consumer, 1, TimeSpan.FromSeconds(30), ack: true, Ct));
        Assert.Equal(receipt.MessageId, received.MessageId);
        Assert.Equal(body, Encoding.UTF8.GetString(received.Body.Span));
        Assert.Equal("2021S1", received.Tag);
        Assert.Equal(["tax-2021S1-1", "X市-2021Q1"], received.Keys);
        Assert.Equal("X市", received.Properties["city"]);
        Assert.Equal(1, received.DeliveryAttempt);
        Assert.Equal(receipt.QueueId, received.QueueId);
        Assert.Equal(receipt.Offset, received.QueueOffset);
        Assert.Equal(receipt.BrokerName, received.BrokerName);

        // Well past a short invisible duration: an ignored ack would bring it back.
        var again = await consumer.ReceiveAsync(1, TimeSpan.FromSeconds(1), Ct);
        Assert.Empty(again);
    }

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(Clients.Transports), MemberType = typeof(Clients))]
    public async Task Sends_alternate_queues_round_robin(GrpcTransport transport)
    {
        var topic = $"round-robin-topic-{transport}";
        await using var producer = new Producer(Clients.Producer(fixture.Endpoint, transport));
        var queues = new List<int>();
        for (var i = 0; i < 8; i++)
        {
            queues.Add((await producer.SendAsync(new Message(topic, $"m{i}"), Ct)).QueueId);
        }

        Assert.Equal(4, queues.Distinct().Count());
    }

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(Clients.Transports), MemberType = typeof(Clients))]
    public async Task Consumer_filtering_a_tag_receives_only_that_tag(GrpcTransport transport)
    {
        var topic = $"tag-filter-topic-{transport}";
        await using var producer = new Producer(Clients.Producer(fixture.Endpoint, transport));
        for (var i = 0; i < 5; i++)
        {
            await producer.SendAsync(new Message(topic, $"s1-{i}") { Tag = "2021S1" }, Ct);
        }

        var wanted = await producer.SendAsync(new Message(topic, "s2") { Tag = "2021S2" }, Ct);
        var other = await producer.SendAsync(new Message(topic, "s3") { Tag = "2021S3" }, Ct);

        await using var consumer = new SimpleConsumer(Clients.Simple(fixture.Endpoint, $"tag-filter-group-{transport}", topic, "2021S2||2021S3", transport: transport));
        var received = await Clients.ReceiveAtLeastAsync(consumer, 2, TimeSpan.FromSeconds(30), ack: true, Ct);
        // Every message was stored before the first receive, and a receive pops all queues: a message the filter let
        // through came with the two, or comes now. (A fixed window for all seven would fail when the first call is slow.)
        var more = await consumer.ReceiveAsync(SimpleConsumer.MaxBatchSize, TimeSpan.FromSeconds(30), Ct);

        Assert.Equal(new[] { wanted.MessageId, other.MessageId }.Order(), received.Select(m => m.MessageId).Order());
        Assert.Empty(more);
    }

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(Clients.Transports), MemberType = typeof(Clients))]
    public async Task Cancelling_a_long_polling_receive_returns_promptly(GrpcTransport transport)
    {
        await using var consumer = new SimpleConsumer(Clients.Simple(fixture.Endpoint, $"cancel-group-{transport}", $"empty-topic-{transport}", awaitSeconds: 20, transport: transport));
        await consumer.StartAsync(Ct);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var receive = consumer.ReceiveAsync(1, TimeSpan.FromSeconds(30), cancel.Token);
        cancel.CancelAfter(TimeSpan.FromMilliseconds(300));

        var watch = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => receive);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"the receive ended {watch.Elapsed} after cancellation");
    }

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(Clients.Transports), MemberType = typeof(Clients))]
    public async Task Route_covers_every_queue_and_the_receipt_offsets_grow(GrpcTransport transport)
    {
        var topic = $"offsets-topic-{transport}";
        await using var producer = new Producer(Clients.Producer(fixture.Endpoint, transport) with { Topics = [topic] });
        await producer.StartAsync(Ct);
        var receipts = new List<SendReceipt>();
        for (var i = 0; i < 8; i++)
        {
            receipts.Add(await producer.SendAsync(new Message(topic, $"m{i}"), Ct));
        }

        Assert.All(receipts.GroupBy(r => r.QueueId), queue => Assert.Equal(queue.Select(r => r.Offset).Order(), queue.Select(r => r.Offset)));
        Assert.Equal(8, receipts.Select(r => r.MessageId).Distinct().Count());
    }
}
