using System.Collections.Concurrent;
using Apache.Rocketmq.V2;
using RocketTax.Testing;

namespace RocketTax.RocketMQ.Broker.Tests.Messaging;

/// <summary>What a broker acknowledged survives <c>kill -9</c>; consumer progress survives a restart.</summary>
public sealed class DurabilityTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_send_answered_under_SYNC_FLUSH_survives_kill_9_and_is_consumed_exactly_once()
    {
        await using var broker = await BrokerProcess.StartNewAsync(new BrokerOptions { FlushDiskType = "SYNC_FLUSH" }, Ct);
        var answered = new ConcurrentDictionary<string, byte>();
        using (var client = new RawBrokerClient(broker.GrpcEndpoint))
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, 1000), new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = Ct }, async (i, ct) =>
            {
                var message = RawBrokerClient.NewMessage("durable-topic", $"{{\"report\":{i}}}");
                Assert.Equal(Code.Ok, await SendThroughThrottlingAsync(client, message, ct));
                answered[message.SystemProperties.MessageId] = 0;
            });
        }

        await broker.KillAsync(Ct);
        await broker.StartAsync(Ct);

        using var reader = new RawBrokerClient(broker.GrpcEndpoint);
        var received = await reader.ReceiveAtLeastAsync("fresh-group", "durable-topic", 1000, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(60), Ct);
        var (status, extra) = await reader.ReceiveAsync("fresh-group", "durable-topic", "*", TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(500), Ct);

        Assert.Equal(1000, answered.Count);
        Assert.Equal(answered.Keys.Order(), received.Select(m => m.SystemProperties.MessageId).Order());
        Assert.Equal(Code.MessageNotFound, status.Code);
        Assert.Empty(extra);
    }

    /// <summary>
    /// Sends <paramref name="message"/> again while the broker sheds load: on a machine busy with other work the send
    /// queue's wait can pass waitTimeMillsInSendQueue, and a TOO_MANY_REQUESTS send was not stored (flow control has
    /// its own tests). What this test judges is what an OK answer promises.
    /// </summary>
    private static async Task<Code> SendThroughThrottlingAsync(RawBrokerClient client, Message message, CancellationToken ct)
    {
        const int attempts = 20;
        for (var attempt = 1; ; attempt++)
        {
            var code = (await client.SendAsync(ct, message)).Status.Code;
            if (code != Code.TooManyRequests || attempt == attempts)
            {
                return code;
            }

            // A backoff, as a client's retry policy waits, not synchronisation.
            await Task.Delay(TimeSpan.FromMilliseconds(50 * attempt), ct);
        }
    }

    [Fact]
    public async Task After_a_restart_acked_messages_stay_acked_and_unacked_ones_come_back()
    {
        await using var broker = await BrokerProcess.StartNewAsync(new BrokerOptions(), Ct);
        using (var client = new RawBrokerClient(broker.GrpcEndpoint))
        {
            for (var i = 0; i < 10; i++)
            {
                Assert.Equal(Code.Ok, (await client.SendAsync(Ct, RawBrokerClient.NewMessage("progress-topic", $"m{i}"))).Status.Code);
            }

            var received = await client.ReceiveAtLeastAsync("progress-group", "progress-topic", 10, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(20), Ct);
            Assert.Equal(10, received.Count);
            var acked = received.Where(m => int.Parse(RawBrokerClient.BodyOf(m)[1..], System.Globalization.CultureInfo.InvariantCulture) % 2 == 0).ToList();
            Assert.Equal(Code.Ok, (await client.AckAsync("progress-group", "progress-topic", acked, Ct)).Status.Code);
        }

        await broker.StopAsync(Ct);
        await broker.StartAsync(Ct);

        using var after = new RawBrokerClient(broker.GrpcEndpoint);
        var redelivered = await after.ReceiveAtLeastAsync("progress-group", "progress-topic", 5, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(20), Ct);
        var (status, extra) = await after.ReceiveAsync("progress-group", "progress-topic", "*", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(500), Ct);

        Assert.Equal(["m1", "m3", "m5", "m7", "m9"], redelivered.Select(RawBrokerClient.BodyOf).Order());
        Assert.All(redelivered, m => Assert.Equal(2, m.SystemProperties.DeliveryAttempt));
        Assert.Equal(Code.MessageNotFound, status.Code);
        Assert.Empty(extra);
    }

    [Fact]
    public async Task A_torn_last_segment_is_truncated_at_start_and_every_entry_before_it_is_served()
    {
        var options = new BrokerOptions
        {
            ExtraProperties = new Dictionary<string, string> { ["mappedFileSizeCommitLog"] = "65536", ["maxMessageSize"] = "16384" },
        };
        await using var broker = await BrokerProcess.StartNewAsync(options, Ct);
        var sent = new List<string>();
        using (var client = new RawBrokerClient(broker.GrpcEndpoint))
        {
            for (var i = 0; i < 300; i++)
            {
                var message = RawBrokerClient.NewMessage("torn-topic", $"{{\"report\":{i},\"padding\":\"{new string('p', 700)}\"}}");
                Assert.Equal(Code.Ok, (await client.SendAsync(Ct, message)).Status.Code);
                sent.Add(message.SystemProperties.MessageId);
            }
        }

        await broker.StopAsync(Ct);
        var segments = Directory.GetFiles(Path.Combine(broker.StoreDir, "commitlog")).Order(StringComparer.Ordinal).ToArray();
        Assert.True(segments.Length >= 3, $"expected several 64 KiB segments, found {segments.Length}");
        await using (var last = new FileStream(segments[^1], FileMode.Open, FileAccess.Write))
        {
            // Cut the last entry in half, as a crash in the middle of its write would.
            last.SetLength(last.Length - 100);
        }

        await broker.StartAsync(Ct);
        using var reader = new RawBrokerClient(broker.GrpcEndpoint);
        var received = await reader.ReceiveAtLeastAsync("torn-group", "torn-topic", 299, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(30), Ct);
        var (status, _) = await reader.ReceiveAsync("torn-group", "torn-topic", "*", TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(500), Ct);

        Assert.Contains(broker.Logs, line => line.Contains("Commit log truncated", StringComparison.Ordinal));
        Assert.Equal(sent.Take(299).Order(), received.Select(m => m.SystemProperties.MessageId).Order());
        Assert.Equal(Code.MessageNotFound, status.Code);
    }
}
