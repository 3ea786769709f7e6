using Apache.Rocketmq.V2;
using RocketTax.Testing;

namespace RocketTax.RocketMQ.Broker.Tests.MessageTypes;

/// <summary>
/// The official Node.js client's FIFO, delay, transaction and SQL filter APIs against two masters (broker-a and
/// broker-b registered with two name servers). The client's access point is broker-a; its routes name both.
/// </summary>
[Collection(MessageTypesClusterCollection.Name)]
public sealed class OfficialNodeMessageTypesTests(MessageTypesClusterFixture cluster)
{
    private const int TestTimeoutMs = 180_000;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string Endpoints => cluster.BrokerA.GrpcEndpoint;

    [Fact(Timeout = TestTimeoutMs)]
    public async Task Fifo_three_groups_of_fifty_interleaved_are_each_received_in_order_by_a_simple_and_a_push_consumer()
    {
        var node = NodeCompat.Require();
        await cluster.CreateTopicAsync("node-fifo-topic", "FIFO", Ct);
        await cluster.CreateOrderlyGroupAsync("node-fifo-group", Ct);
        await cluster.CreateOrderlyGroupAsync("node-fifo-push-group", Ct);

        var result = await node.RunAsync("message-types.mjs",
            new { Mode = "fifo", Endpoints, Topic = "node-fifo-topic", Group = "node-fifo-group", PushGroup = "node-fifo-push-group", Groups = 3, PerGroup = 50, Hold = "g1:10" },
            TimeSpan.FromSeconds(120), Ct);

        Assert.Equal(["broker-a", "broker-b"], result.Single<Dictionary<string, string>>("brokers").Values.Distinct().Order());
        AssertEachGroupInOrder(result.Single<List<FifoReceipt>>("received"));
        AssertEachGroupInOrder(result.Single<List<FifoReceipt>>("pushed"));
        // The held message came back (a second attempt) before anything behind it in its group was acked.
        Assert.Equal(new FifoReceipt("g1", 10, 1), result.Single<FifoReceipt>("held"));
        Assert.Contains(result.Single<List<FifoReceipt>>("received"), r => r is { Group: "g1", Seq: 10, Attempt: >= 2 });
    }

    [Fact(Timeout = TestTimeoutMs)]
    public async Task A_hundred_delayed_messages_arrive_within_a_second_of_their_time_and_recalled_ones_never()
    {
        var node = NodeCompat.Require();
        await cluster.CreateTopicAsync("node-delay-topic", "DELAY", Ct);

        var result = await node.RunAsync("message-types.mjs",
            new { Mode = "delay", Endpoints, Topic = "node-delay-topic", Group = "node-delay-group", Count = 100 },
            TimeSpan.FromSeconds(90), Ct);
        var recalled = result.Single<List<RecalledMessage>>("recalled");
        var sent = result.Single<List<DelayedSend>>("sent");
        var received = result.Single<List<DelayedReceipt>>("received");

        // One recalled on each master, both through broker-a: broker-a passed one recall on to broker-b.
        Assert.Equal(["broker-a", "broker-b"], recalled.Select(r => r.Broker).Order());
        Assert.Equal(100, sent.Count);
        Assert.Equal(sent.Select(s => s.Body).Order(), received.Select(r => r.Body).Order());
        AssertOnTime(sent, received, maxLateMs: 1000);
    }

    [Fact(Timeout = TestTimeoutMs)]
    public async Task Fifty_delayed_messages_pending_on_a_master_killed_with_kill_9_all_arrive_after_its_restart_never_early()
    {
        var node = NodeCompat.Require();
        await cluster.CreateTopicAsync("node-delay-restart-topic", "DELAY", Ct);
        var sent = (await node.RunAsync("message-types.mjs",
            new { Mode = "delay-send", Endpoints, Topic = "node-delay-restart-topic", Count = 50, FirstDueMs = 4000, LastDueMs = 9000 },
            TimeSpan.FromSeconds(60), Ct)).Single<List<DelayedSend>>("sent");

        await cluster.BrokerB.KillAsync(Ct);
        var killedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await cluster.BrokerB.StartAsync(Ct);

        var heldByB = sent.Where(s => s.Broker == "broker-b").ToList();
        Assert.NotEmpty(heldByB);
        Assert.True(killedAt < heldByB.Min(s => s.DueAt), "broker-b was killed after the first of its delayed messages was due, not while all were pending");

        var received = (await node.RunAsync("message-types.mjs",
            new { Mode = "receive", Endpoints, Topic = "node-delay-restart-topic", Group = "node-delay-restart-group", Count = 50 },
            TimeSpan.FromSeconds(60), Ct)).Single<List<DelayedReceipt>>("received");

        Assert.Equal(sent.Select(s => s.Body).Order(), received.Select(r => r.Body).Order());
        AssertOnTime(sent, received, maxLateMs: null);
    }

    [Fact(Timeout = TestTimeoutMs)]
    public async Task Transactions_commit_delivers_rollback_never_and_the_checker_resolves_an_open_one()
    {
        var node = NodeCompat.Require();
        await cluster.CreateTopicAsync("node-tx-topic", "TRANSACTION", Ct);

        var result = await node.RunAsync("message-types.mjs",
            new { Mode = "transaction", Endpoints, Topic = "node-tx-topic", Group = "node-tx-group" },
            TimeSpan.FromSeconds(90), Ct);

        Assert.Equal(["checked", "committed"], result.Single<List<string>>("received").Order());
        Assert.Contains("checked", result.Single<List<string>>("checked"));
    }

    [Fact(Timeout = TestTimeoutMs)]
    public async Task A_half_message_on_a_master_killed_with_kill_9_is_resolved_by_the_checker_after_its_restart()
    {
        var node = NodeCompat.Require();
        await cluster.CreateTopicAsync("node-tx-restart-topic", "TRANSACTION", Ct);
        var open = (await node.RunAsync("message-types.mjs",
            new { Mode = "tx-open", Endpoints, Topic = "node-tx-restart-topic", Body = "survivor" },
            TimeSpan.FromSeconds(60), Ct)).Single<OpenTransaction>("sent");

        var holder = cluster.Broker(open.Broker);
        await holder.KillAsync(Ct);
        await holder.StartAsync(Ct);

        var result = await node.RunAsync("message-types.mjs",
            new { Mode = "tx-resolve", Endpoints, Topic = "node-tx-restart-topic", Group = "node-tx-restart-group", Count = 1 },
            TimeSpan.FromSeconds(90), Ct);

        Assert.Equal(["survivor"], result.Single<List<string>>("received"));
        Assert.Contains("survivor", result.Single<List<string>>("checked"));
        Assert.Contains(holder.Logs, l => l.Contains("Recovered 1 open transactions", StringComparison.Ordinal));
    }

    [Fact(Timeout = TestTimeoutMs)]
    public async Task A_SQL_filter_delivers_only_matching_messages_and_a_malformed_one_gets_ILLEGAL_FILTER_EXPRESSION()
    {
        var node = NodeCompat.Require();
        await cluster.CreateTopicAsync("node-sql-topic", "NORMAL", Ct);
        // Non-matching ones first: had the filter let them through, they would come before the matches.
        var messages = new[] { ("Y", 500), ("X", 10), ("Y", 20), ("X", 99), ("X", 100), ("X", 250), ("Y", 300), ("X", 1000) };
        const string filter = "city = 'X' AND amount BETWEEN 100 AND 999";
        string[] matching = ["X:100", "X:250"];

        var result = await node.RunAsync("message-types.mjs",
            new
            {
                Mode = "sql", Endpoints, Topic = "node-sql-topic", Group = "node-sql-group",
                Messages = messages.Select(m => new { City = m.Item1, Amount = m.Item2 }), Expected = matching.Length,
                Filter = filter, InvalidFilter = "city = 'X' AND",
            },
            TimeSpan.FromSeconds(90), Ct);

        Assert.Equal(matching, result.Single<List<string>>("received").Order());
        var invalid = result.Single<Refusal>("invalid");
        Assert.True(invalid.Code == (int)Code.IllegalFilterExpression, $"expected ILLEGAL_FILTER_EXPRESSION, got {invalid}");
    }

    private static void AssertEachGroupInOrder(List<FifoReceipt> receipts)
    {
        Assert.Equal(150, receipts.Count);
        foreach (var group in receipts.GroupBy(r => r.Group))
        {
            Assert.Equal(Enumerable.Range(0, 50), group.Select(r => r.Seq));
        }
    }

    /// <summary>Nothing arrived before its delivery time, and (when <paramref name="maxLateMs"/> is set) none later than that after it.</summary>
    private static void AssertOnTime(List<DelayedSend> sent, List<DelayedReceipt> received, int? maxLateMs)
    {
        var due = sent.ToDictionary(s => s.Body, s => s.DueAt);
        var lateness = received.Select(r => r.ReceivedAt - due[r.Body]).ToList();
        TestContext.Current.TestOutputHelper?.WriteLine($"arrivals after their delivery time: {lateness.Min()} to {lateness.Max()} ms");
        Assert.All(received, r =>
        {
            Assert.True(r.ReceivedAt >= due[r.Body], $"{r.Body} arrived {due[r.Body] - r.ReceivedAt} ms early");
            Assert.True(maxLateMs is null || r.ReceivedAt - due[r.Body] < maxLateMs, $"{r.Body} arrived {r.ReceivedAt - due[r.Body]} ms late");
        });
    }

    private sealed record FifoReceipt(string Group, int Seq, int Attempt);

    private sealed record DelayedSend(string Body, long DueAt, string Broker);

    private sealed record DelayedReceipt(string Body, long ReceivedAt);

    private sealed record RecalledMessage(string Body, string Broker);

    private sealed record OpenTransaction(string Body, string Broker);

    private sealed record Refusal(int? Code, string Message);
}
