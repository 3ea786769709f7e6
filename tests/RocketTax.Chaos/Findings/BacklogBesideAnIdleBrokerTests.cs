using System.Diagnostics;
using System.Globalization;
using RocketTax.Chaos.Harness;
using RocketTax.RocketMQ.Client;
using RocketTax.Testing;

namespace RocketTax.Chaos.Findings;

/// <summary>
/// Found by the soak: a stall of broker-b long enough for the producer's send to time out made the producer set
/// broker-b aside and send everything to broker-a, while the consumer, whose receive outlived the stall, kept
/// taking turns between the brokers. Every second receive long-polled broker-b, which got nothing, for the whole
/// await duration, so broker-a's backlog drained at one batch per await duration, far slower than it grew, and
/// thousands of acknowledged messages still waited on broker-a when the soak's drain ended (a fresh consumer got
/// them, one batch per turn). A simple consumer must drain one broker's backlog at the pace of its receives even
/// while the other broker of the topic is idle.
/// </summary>
public sealed class BacklogBesideAnIdleBrokerTests(ChaosClusterFixture cluster) : IClassFixture<ChaosClusterFixture>
{
    private const string Topic = "chaos-backlog-topic";
    private const string Group = "chaos-backlog-group";
    private const int Batches = 10;
    private const int ReadOnly = 4;

    /// <summary>Long enough that a receive parked on the idle broker cannot pass for a slow machine.</summary>
    private static readonly TimeSpan AwaitDuration = TimeSpan.FromSeconds(10);

    /// <summary>Two await durations: a consumer that waits out the idle broker between batches gets at most three of the ten in it.</summary>
    private static readonly TimeSpan DrainWindow = 2 * AwaitDuration;

    /// <summary>Longer than the test: nothing received comes back to be counted twice.</summary>
    private static readonly TimeSpan InvisibleDuration = TimeSpan.FromMinutes(2);

    [Fact(Timeout = 180_000)]
    public async Task A_simple_consumer_drains_one_brokers_backlog_without_waiting_out_the_idle_broker()
    {
        var ct = TestContext.Current.CancellationToken;
        await CreateTopicWritableOnBrokerAOnlyAsync(ct);
        var backlog = Batches * SimpleConsumer.MaxBatchSize;
        await using (var producer = new Producer(new ProducerOptions { Endpoints = cluster.Endpoints, Topics = [Topic] }))
        {
            for (var i = 0; i < backlog; i++)
            {
                var receipt = await producer.SendAsync(new Message(Topic, $"backlog {i.ToString(CultureInfo.InvariantCulture)}"), ct);
                Assert.Equal("broker-a", receipt.BrokerName);
            }
        }

        await using var consumer = new SimpleConsumer(new SimpleConsumerOptions
        {
            Endpoints = cluster.Endpoints,
            ConsumerGroup = Group,
            Subscriptions = new Dictionary<string, FilterExpression> { [Topic] = FilterExpression.SubAll },
            AwaitDuration = AwaitDuration,
        });
        var received = new HashSet<string>(StringComparer.Ordinal);
        var watch = Stopwatch.StartNew();
        while (received.Count < backlog && watch.Elapsed < DrainWindow)
        {
            foreach (var message in await consumer.ReceiveAsync(SimpleConsumer.MaxBatchSize, InvisibleDuration, ct))
            {
                received.Add(message.MessageId);
            }
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"{received.Count} of {backlog} received from broker-a in {watch.Elapsed.TotalSeconds:0.0} s");
        Assert.True(received.Count == backlog,
            $"Only {received.Count} of the {backlog} messages on broker-a were received in {watch.Elapsed.TotalSeconds:0.0} s: " +
            $"the consumer waited out idle broker-b ({AwaitDuration.TotalSeconds:0} s per receive) between batches.");
    }

    /// <summary>Creates the topic read-write on broker-a and read-only on broker-b: the route names both for receives, and sends go to broker-a.</summary>
    private async Task CreateTopicWritableOnBrokerAOnlyAsync(CancellationToken cancellationToken)
    {
        foreach (var (broker, perm) in new[] { (cluster.BrokerA, 6), (cluster.BrokerB, ReadOnly) })
        {
            string[] args = ["updateTopic", "-n", cluster.NamesrvAddr, "-b", $"127.0.0.1:{broker.ListenPort.ToString(CultureInfo.InvariantCulture)}",
                "-t", Topic, "-p", perm.ToString(CultureInfo.InvariantCulture)];
            var result = await MqAdmin.RunAsync(cancellationToken, null, args);
            Assert.True(result.ExitCode == 0, $"mqadmin {string.Join(' ', args)} failed: {result}");
        }

        await Poll.UntilAsync(() => cluster.RouteNamesBothBrokersAsync(Topic, cancellationToken), TimeSpan.FromSeconds(30),
            () => $"the route of '{Topic}' never named both brokers", cancellationToken);
    }
}
