using System.Text.Json;
using RocketTax.Testing;

namespace RocketTax.RocketMQ.Broker.Tests.MessageTypes;

/// <summary>The official Node.js client's FIFO, delay and transaction APIs against a broker process.</summary>
public sealed class OfficialNodeMessageTypesTests(MessageTypesBrokerFixture fixture) : IClassFixture<MessageTypesBrokerFixture>
{
    private const int TestTimeoutMs = 180_000;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = TestTimeoutMs)]
    public async Task Fifo_three_groups_of_fifty_interleaved_are_each_received_in_order()
    {
        var node = NodeCompat.Require();
        await using var admin = new MessageTypesClient(fixture.Broker);
        await admin.CreateTopicAsync("node-fifo-topic", "FIFO", 4, Ct);
        await admin.UpdateGroupAsync("node-fifo-group", orderly: true, retryMaxTimes: 16, Ct);

        var result = await node.RunAsync("message-types.mjs",
            new { Mode = "fifo", Endpoints = fixture.Broker.GrpcEndpoint, Topic = "node-fifo-topic", Group = "node-fifo-group", Groups = 3, PerGroup = 50 },
            TimeSpan.FromSeconds(120), Ct);
        var received = result.Single<List<FifoReceipt>>("received");

        Assert.Equal(150, received.Count);
        foreach (var group in received.GroupBy(r => r.Group))
        {
            Assert.Equal(Enumerable.Range(0, 50), group.Select(r => r.Seq));
        }
    }

    [Fact(Timeout = TestTimeoutMs)]
    public async Task Delayed_messages_arrive_within_a_second_of_their_time_and_a_recalled_one_never()
    {
        var node = NodeCompat.Require();
        await using var admin = new MessageTypesClient(fixture.Broker);
        await admin.CreateTopicAsync("node-delay-topic", "DELAY", 4, Ct);

        var result = await node.RunAsync("message-types.mjs",
            new { Mode = "delay", Endpoints = fixture.Broker.GrpcEndpoint, Topic = "node-delay-topic", Group = "node-delay-group", Count = 20 },
            TimeSpan.FromSeconds(90), Ct);
        var received = result.Single<List<DelayReceipt>>("received");
        var recalled = result.Single<string>("recalled");

        Assert.Equal(19, received.Count);
        Assert.DoesNotContain(received, r => r.Body == recalled);
        Assert.All(received, r =>
        {
            Assert.True(r.ReceivedAt >= r.DueAt, $"{r.Body} arrived {r.DueAt - r.ReceivedAt} ms early");
            Assert.True(r.ReceivedAt - r.DueAt < 1000, $"{r.Body} arrived {r.ReceivedAt - r.DueAt} ms late");
        });
    }

    [Fact(Timeout = TestTimeoutMs)]
    public async Task Transactions_commit_delivers_rollback_never_and_the_checker_resolves_an_open_one()
    {
        var node = NodeCompat.Require();
        await using var admin = new MessageTypesClient(fixture.Broker);
        await admin.CreateTopicAsync("node-tx-topic", "TRANSACTION", 4, Ct);

        var result = await node.RunAsync("message-types.mjs",
            new { Mode = "transaction", Endpoints = fixture.Broker.GrpcEndpoint, Topic = "node-tx-topic", Group = "node-tx-group" },
            TimeSpan.FromSeconds(90), Ct);

        Assert.Equal(["checked", "committed"], result.Single<List<string>>("received").Order());
        Assert.Contains("checked", result.Single<List<string>>("checked"));
    }

    private sealed record FifoReceipt(string Group, int Seq, int Attempt);

    private sealed record DelayReceipt(string Body, long DueAt, long ReceivedAt);
}
