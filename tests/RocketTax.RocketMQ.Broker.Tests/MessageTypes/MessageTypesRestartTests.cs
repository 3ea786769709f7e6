using Apache.Rocketmq.V2;
using RocketTax.RocketMQ.Broker.Tests.Messaging;
using RocketTax.Testing;

namespace RocketTax.RocketMQ.Broker.Tests.MessageTypes;

/// <summary>Pending delayed messages and open transactions survive <c>kill -9</c>.</summary>
public sealed class MessageTypesRestartTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Delayed_messages_pending_at_kill_9_are_all_delivered_after_restart_never_early()
    {
        await using var broker = await BrokerProcess.StartNewAsync(new BrokerOptions(), Ct);
        var due = new Dictionary<string, DateTimeOffset>();
        await using (var admin = new MessageTypesClient(broker))
        {
            await admin.CreateTopicAsync("delay-restart-topic", "DELAY", 4, Ct);
            using var client = new RawBrokerClient(broker.GrpcEndpoint);
            var start = DateTimeOffset.UtcNow;
            for (var i = 0; i < 50; i++)
            {
                // Half fall due while the broker is down, half after it is back.
                var at = start + TimeSpan.FromMilliseconds(500 + (i * 100));
                Assert.Equal(Code.Ok, (await client.SendAsync(Ct, MessageTypesClient.Delayed("delay-restart-topic", $"d{i}", at))).Status.Code);
                due[$"d{i}"] = at;
            }

            // One delivered before the kill must not come twice.
            var early = await client.ReceiveAtLeastAsync("delay-restart-group", "delay-restart-topic", 1, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(10), Ct);
            Assert.Equal(Code.Ok, (await client.AckAsync("delay-restart-group", "delay-restart-topic", early, Ct)).Status.Code);
            foreach (var message in early)
            {
                due.Remove(RawBrokerClient.BodyOf(message));
            }
        }

        await broker.KillAsync(Ct);
        await broker.StartAsync(Ct);

        using var reader = new RawBrokerClient(broker.GrpcEndpoint);
        var arrivals = new Dictionary<string, DateTimeOffset>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (arrivals.Count < due.Count && DateTime.UtcNow < deadline)
        {
            var (_, messages) = await reader.ReceiveAsync("delay-restart-group", "delay-restart-topic", "*", TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(2), Ct);
            foreach (var message in messages)
            {
                arrivals[RawBrokerClient.BodyOf(message)] = DateTimeOffset.UtcNow;
            }
        }

        Assert.Equal(due.Keys.Order(), arrivals.Keys.Order());
        Assert.All(due, d => Assert.True(arrivals[d.Key] >= d.Value, $"{d.Key} arrived early"));
        Assert.Contains(broker.Logs, l => l.Contains("Timer recovered", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_half_message_survives_a_restart_and_its_commit_delivers_it()
    {
        await using var broker = await BrokerProcess.StartNewAsync(new BrokerOptions(), Ct);
        var message = MessageTypesClient.Transactional("tx-restart-topic", "survivor");
        SendMessageResponse sent;
        await using (var admin = new MessageTypesClient(broker))
        {
            await admin.CreateTopicAsync("tx-restart-topic", "TRANSACTION", 2, Ct);
            using var client = new RawBrokerClient(broker.GrpcEndpoint);
            sent = await client.SendAsync(Ct, message);
            Assert.Equal(Code.Ok, sent.Status.Code);
        }

        await broker.KillAsync(Ct);
        await broker.StartAsync(Ct);

        await using var after = new MessageTypesClient(broker);
        var end = await after.EndTransactionAsync("tx-restart-topic", message.SystemProperties.MessageId, sent.Entries[0].TransactionId, TransactionResolution.Commit, Ct);
        using var reader = new RawBrokerClient(broker.GrpcEndpoint);
        var received = await reader.ReceiveAtLeastAsync("tx-restart-group", "tx-restart-topic", 1, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10), Ct);

        Assert.Equal(Code.Ok, end.Status.Code);
        Assert.Equal(["survivor"], received.Select(RawBrokerClient.BodyOf));
        Assert.Contains(broker.Logs, l => l.Contains("Recovered 1 open transactions", StringComparison.Ordinal));
    }
}
