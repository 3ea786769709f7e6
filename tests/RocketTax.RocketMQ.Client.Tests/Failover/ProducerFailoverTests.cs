using System.Collections.Concurrent;
using RocketTax.Testing;

namespace RocketTax.RocketMQ.Client.Tests.Failover;

/// <summary>
/// The seed's failover promise with SYNC_FLUSH masters: while a producer sends without pause, broker-a dies
/// (<c>kill -9</c>); sends fail over to broker-b and none is reported failed; broker-a comes back and what it
/// held unconsumed is delivered; every send answered OK reaches <c>consumer-group</c>.
/// </summary>
public sealed class ProducerFailoverTests(SyncFlushClusterFixture cluster) : IClassFixture<SyncFlushClusterFixture>
{
    private const string Group = "consumer-group";
    private const int Senders = 4;
    private const int MaxMessages = 5_000;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <param name="accessPoints">
    /// The producer's endpoints: both brokers, or broker-a alone, the one that dies (the client then lives on
    /// the route it cached, since no access point answers a route query).
    /// </param>
    [Theory(Timeout = 240_000)]
    [InlineData("both-brokers")]
    [InlineData("broker-a-only")]
    public async Task Kill_9_of_broker_a_during_continuous_sends_loses_no_message_and_fails_no_send(string accessPoints)
    {
        var topic = $"failover-{accessPoints}";
        await CreateTopicOnBothMastersAsync(topic);
        var endpoints = $"{cluster.BrokerA.GrpcEndpoint};{cluster.BrokerB.GrpcEndpoint}";
        var producerEndpoints = accessPoints == "broker-a-only" ? cluster.BrokerA.GrpcEndpoint : endpoints;
        var receipts = new ConcurrentQueue<SendReceipt>();
        var failures = new ConcurrentQueue<Exception>();

        await using (var producer = new Producer(new ProducerOptions { Endpoints = producerEndpoints, Topics = [topic] }))
        {
            await producer.StartAsync(Ct);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            var senders = Enumerable.Range(0, Senders)
                .Select(s => Task.Run(() => SendUntilStoppedAsync(producer, topic, s, receipts, failures, stop.Token), Ct))
                .ToArray();

            await WaitForSendsAsync(receipts, failures, 200, "200 sends before the kill");
            Assert.Contains(receipts, r => r.BrokerName == "broker-a");
            Assert.Contains(receipts, r => r.BrokerName == "broker-b");

            await cluster.BrokerA.KillAsync(Ct);
            var atKill = receipts.Count;
            var storedOnAAtKill = receipts.Where(r => r.BrokerName == "broker-a").Select(r => r.MessageId).ToHashSet();
            await WaitForSendsAsync(receipts, failures, atKill + 300, "300 sends while broker-a is down");

            await cluster.BrokerA.StartAsync(Ct);
            await WaitForSendsAsync(receipts, failures, receipts.Count + 200, "200 sends after broker-a restarted");

            await stop.CancelAsync();
            await Task.WhenAll(senders);
            Assert.True(failures.IsEmpty, $"{failures.Count} sends failed after the client's retries; first: {failures.FirstOrDefault()}");
            Assert.NotEmpty(storedOnAAtKill);
            TestContext.Current.TestOutputHelper?.WriteLine(
                $"{receipts.Count} sends answered OK: {receipts.Count(r => r.BrokerName == "broker-a")} on broker-a, {receipts.Count(r => r.BrokerName == "broker-b")} on broker-b; {storedOnAAtKill.Count} on broker-a at the kill");
        }

        var expected = receipts.Select(r => r.MessageId).ToHashSet();
        var received = new ConcurrentDictionary<string, byte>();
        await using var consumer = new PushConsumer(
            Clients.Push(endpoints, Group, topic) with { MaxConcurrency = 8, MaxCachedMessages = 256 },
            (message, _) =>
            {
                received.TryAdd(message.MessageId, 0);
                return ValueTask.FromResult(ConsumeResult.Success);
            });
        await consumer.StartAsync(Ct);
        await Eventually.TrueAsync(() => expected.All(received.ContainsKey), TimeSpan.FromSeconds(90),
            $"all {expected.Count} acknowledged sends to reach {Group}", Ct);
    }

    private static async Task SendUntilStoppedAsync(
        Producer producer, string topic, int sender, ConcurrentQueue<SendReceipt> receipts, ConcurrentQueue<Exception> failures, CancellationToken stop)
    {
        for (var i = 0; !stop.IsCancellationRequested && receipts.Count < MaxMessages; i++)
        {
            try
            {
                receipts.Enqueue(await producer.SendAsync(new Message(topic, $"tax report {sender}-{i}") { Tag = "2021S1" }, stop));
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is RocketMQException or TimeoutException)
            {
                failures.Enqueue(ex);
            }
        }
    }

    /// <summary>Waits for <paramref name="count"/> answered sends; a failed send ends the wait at once, with its reason.</summary>
    private static async Task WaitForSendsAsync(ConcurrentQueue<SendReceipt> receipts, ConcurrentQueue<Exception> failures, int count, string what)
    {
        await Eventually.TrueAsync(() => receipts.Count >= Math.Min(count, MaxMessages) || !failures.IsEmpty, TimeSpan.FromSeconds(60), what, Ct);
        Assert.True(failures.IsEmpty, $"a send failed after the client's retries, waiting for {what}: {failures.FirstOrDefault()}");
    }

    private async Task CreateTopicOnBothMastersAsync(string topic)
    {
        Assert.Equal(0, (await MqAdmin.RunAsync(Ct, null, "updateTopic", "-n", cluster.NamesrvAddr, "-c", "DefaultCluster", "-t", topic)).ExitCode);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var route = await MqAdmin.RunAsync(Ct, null, "topicRoute", "-n", cluster.NamesrvAddr, "-t", topic);
            if (route.ExitCode == 0 && route.StdOut.Contains("broker-a", StringComparison.Ordinal) && route.StdOut.Contains("broker-b", StringComparison.Ordinal))
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"the route of {topic} never named both masters: {route}");
            await Task.Delay(200, Ct);
        }
    }
}
