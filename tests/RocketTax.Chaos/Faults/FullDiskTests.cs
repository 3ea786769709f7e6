using System.Text;
using RocketTax.Chaos.Harness;
using RocketTax.RocketMQ.Client;
using RocketTax.Testing;

namespace RocketTax.Chaos.Faults;

/// <summary>
/// A broker whose store lives on a small tmpfs that fills up: sends are refused with a status that says the
/// disk is full, nothing written before is damaged, and once space returns sends succeed again and every
/// message acknowledged before, during and after is consumable, also after a kill -9 and restart.
/// </summary>
public sealed class FullDiskTests
{
    private const string Topic = "chaos-disk-topic";
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(30);

    [Fact(Timeout = 180_000)]
    public async Task Sends_are_refused_while_the_disk_is_full_and_everything_acknowledged_is_consumable_after_space_returns()
    {
        var ct = TestContext.Current.CancellationToken;
        var (mount, reason) = await TmpfsMount.TryMountAsync(megabytes: 8, ct);
        Assert.SkipWhen(mount is null, reason ?? "");
        await using var disk = mount!;
        await using var broker = await BrokerProcess.StartNewAsync(new BrokerOptions
        {
            FlushDiskType = "SYNC_FLUSH",
            ExtraProperties = new Dictionary<string, string>
            {
                ["storePathRootDir"] = disk.Path,
                ["mappedFileSizeCommitLog"] = (1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["maxMessageSize"] = (64 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
        }, ct);
        var checker = new DeliveryChecker();
        await using var producer = new Producer(new ProducerOptions { Endpoints = broker.GrpcEndpoint, Topics = [Topic], MaxAttempts = 1 });
        await SendAsync(producer, checker, "before", 100, ct);

        var filler = disk.Fill();
        var refusals = new List<RocketMQException>();
        for (var i = 0; i < 20; i++)
        {
            try
            {
                await SendOneAsync(producer, checker, $"full-{i}", ct);
            }
            catch (RocketMQException ex)
            {
                refusals.Add(ex);
            }
        }

        Assert.NotEmpty(refusals);
        Assert.All(refusals, ex =>
        {
            Assert.Equal(50001, ex.StatusCode);
            Assert.Contains("disk is full", ex.Message, StringComparison.Ordinal);
        });
        Assert.True(broker.IsRunning, "The broker died of a full disk." + broker.LogTail());

        File.Delete(filler);
        await Poll.UntilAsync(async () => await TrySendOneAsync(producer, checker, "recovered", ct), Within, () => "sends kept failing after space returned", ct);
        await SendAsync(producer, checker, "after", 100, ct);

        // No corruption: a crash and a recovery on the same store keep every acknowledged message readable.
        await broker.KillAsync(ct);
        await broker.StartAsync(ct);
        await ConsumeAllAsync(broker.GrpcEndpoint, checker, ct);
        var report = checker.Report();
        ChaosLog.Write($"full disk (8 MiB tmpfs): {refusals.Count} of 20 sends refused while full; {report}");
        Assert.True(report.Lost == 0, $"Acknowledged messages were lost: {report}");
    }

    private static async Task SendAsync(Producer producer, DeliveryChecker checker, string prefix, int count, CancellationToken cancellationToken)
    {
        for (var i = 0; i < count; i++)
        {
            await SendOneAsync(producer, checker, $"{prefix}-{i}", cancellationToken);
        }
    }

    private static async Task SendOneAsync(Producer producer, DeliveryChecker checker, string key, CancellationToken cancellationToken)
    {
        await producer.SendAsync(new Message(Topic, Encoding.UTF8.GetBytes(key + new string('x', 1_000))) { Keys = [key] }, cancellationToken);
        checker.Acknowledged(key);
    }

    private static async Task<bool> TrySendOneAsync(Producer producer, DeliveryChecker checker, string key, CancellationToken cancellationToken)
    {
        try
        {
            await SendOneAsync(producer, checker, key, cancellationToken);
            return true;
        }
        catch (RocketMQException)
        {
            return false;
        }
    }

    /// <summary>Receives and acks until every acknowledged key was delivered, or fails after the deadline.</summary>
    internal static async Task ConsumeAllAsync(string endpoint, DeliveryChecker checker, CancellationToken cancellationToken)
    {
        await using var consumer = new SimpleConsumer(new SimpleConsumerOptions
        {
            Endpoints = endpoint,
            ConsumerGroup = "chaos-disk-group",
            Subscriptions = new Dictionary<string, FilterExpression> { [Topic] = FilterExpression.SubAll },
            AwaitDuration = TimeSpan.FromSeconds(1),
        });
        await Poll.UntilAsync(async () =>
        {
            foreach (var message in await consumer.ReceiveAsync(SimpleConsumer.MaxBatchSize, TimeSpan.FromSeconds(30), cancellationToken))
            {
                checker.Delivered(message.Keys[0]);
                await consumer.AckAsync(message, cancellationToken);
            }

            return checker.Missing == 0;
        }, Within, () => $"{checker.Missing} acknowledged messages were never delivered", cancellationToken);
    }
}
