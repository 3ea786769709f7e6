using System.Text;
using RocketTax.Chaos.Harness;
using RocketTax.RocketMQ.Client;
using RocketTax.Testing;

namespace RocketTax.Chaos.Faults;

/// <summary>
/// The tail of the commit log damaged while the broker was down (a torn write, a flipped bit): the broker
/// starts, cuts the log at the last valid message, serves everything before it and appends after it.
/// </summary>
public sealed class DamagedTailTests
{
    private const string Topic = "chaos-tail-topic";
    private const string LastBodyMarker = "LAST-MESSAGE-OF-THE-TAIL";
    private const int Intact = 50;
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(30);

    public enum Damage
    {
        /// <summary>The file ends in the middle of the last message.</summary>
        Truncated,

        /// <summary>One bit of the last message's body is flipped.</summary>
        BitFlipped,
    }

    [Theory(Timeout = 120_000)]
    [InlineData(Damage.Truncated)]
    [InlineData(Damage.BitFlipped)]
    public async Task Broker_cuts_the_log_at_the_last_valid_message_and_serves_everything_before_it(Damage damage)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var broker = await BrokerProcess.StartNewAsync(new BrokerOptions { FlushDiskType = "SYNC_FLUSH" }, ct);
        // Every message sent before the damaged one and after the restart must be served.
        var kept = new DeliveryChecker();
        await using (var producer = new Producer(new ProducerOptions { Endpoints = broker.GrpcEndpoint, Topics = [Topic] }))
        {
            for (var i = 0; i < Intact; i++)
            {
                await SendAsync(producer, kept, $"intact-{i}", ct);
            }

            await SendAsync(producer, new DeliveryChecker(), "damaged", ct, LastBodyMarker);
        }

        await broker.StopAsync(ct);
        DamageLastMessage(broker.StoreDir, damage);
        await broker.StartAsync(ct);

        await using (var producer = new Producer(new ProducerOptions { Endpoints = broker.GrpcEndpoint, Topics = [Topic] }))
        {
            for (var i = 0; i < 10; i++)
            {
                await SendAsync(producer, kept, $"after-{i}", ct);
            }
        }

        var delivered = await ConsumeAsync(broker.GrpcEndpoint, Intact + 10, ct);
        foreach (var key in delivered)
        {
            kept.Delivered(key);
        }

        var report = kept.Report();
        ChaosLog.Write($"{damage} tail segment: {report}");
        Assert.True(report.Lost == 0, $"Messages before the damage or after the restart were lost: {report}");
        Assert.DoesNotContain("damaged", delivered);
    }

    private static async Task SendAsync(Producer producer, DeliveryChecker checker, string key, CancellationToken cancellationToken, string body = "intact")
    {
        await producer.SendAsync(new Message(Topic, Encoding.UTF8.GetBytes($"{key}:{body}")) { Keys = [key] }, cancellationToken);
        checker.Acknowledged(key);
    }

    private static void DamageLastMessage(string storeDir, Damage damage)
    {
        var segment = Directory.GetFiles(Path.Combine(storeDir, "commitlog")).Order(StringComparer.Ordinal).Last();
        var bytes = File.ReadAllBytes(segment);
        var marker = bytes.AsSpan().LastIndexOf(Encoding.UTF8.GetBytes(LastBodyMarker));
        Assert.True(marker > 0, $"The last message's body was not found in {segment}.");
        using var file = new FileStream(segment, FileMode.Open, FileAccess.ReadWrite);
        if (damage == Damage.Truncated)
        {
            file.SetLength(marker + (LastBodyMarker.Length / 2));
        }
        else
        {
            file.Position = marker + 3;
            file.WriteByte((byte)(bytes[marker + 3] ^ 0x08));
        }

        file.Flush(flushToDisk: true);
    }

    private static async Task<List<string>> ConsumeAsync(string endpoint, int expected, CancellationToken cancellationToken)
    {
        await using var consumer = new SimpleConsumer(new SimpleConsumerOptions
        {
            Endpoints = endpoint,
            ConsumerGroup = "chaos-tail-group",
            Subscriptions = new Dictionary<string, FilterExpression> { [Topic] = FilterExpression.SubAll },
            AwaitDuration = TimeSpan.FromSeconds(1),
        });
        var keys = new List<string>();
        await Poll.UntilAsync(async () =>
        {
            foreach (var message in await consumer.ReceiveAsync(SimpleConsumer.MaxBatchSize, TimeSpan.FromSeconds(30), cancellationToken))
            {
                keys.Add(message.Keys[0]);
                await consumer.AckAsync(message, cancellationToken);
            }

            return keys.Count >= expected;
        }, Within, () => $"{keys.Count} of {expected} messages were delivered", cancellationToken);
        return keys;
    }
}
