using Apache.Rocketmq.V2;
using RocketTax.RocketMQ.Broker.Tests.Messaging;

namespace RocketTax.RocketMQ.Broker.Tests.MessageTypes;

/// <summary>
/// Clients send RecallMessage to their access point, whichever master holds the message: a recall reaching
/// broker-a for a message of broker-b is passed on to broker-b and answered as broker-b answers it.
/// </summary>
[Collection(MessageTypesClusterCollection.Name)]
public sealed class RecallAcrossMastersTests(MessageTypesClusterFixture cluster)
{
    private const string Topic = "recall-across-topic";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 120_000)]
    public async Task A_recall_sent_to_broker_a_cancels_a_message_of_broker_b_and_a_second_one_finds_it_gone()
    {
        await cluster.CreateTopicAsync(Topic, "DELAY", Ct);
        using var broker = new RawBrokerClient(cluster.BrokerB.GrpcEndpoint);
        var start = DateTimeOffset.UtcNow;
        // Far enough ahead for a cold broker-a to open its first channel to broker-b on a loaded machine.
        var recalled = await broker.SendAsync(Ct, MessageTypesClient.Delayed(Topic, "recalled", start.AddSeconds(8)));
        // Due after the recalled one on the same master: once it arrives, the recalled one would have come before it.
        Assert.Equal(Code.Ok, (await broker.SendAsync(Ct, MessageTypesClient.Delayed(Topic, "kept", start.AddSeconds(8.5)))).Status.Code);
        Assert.Equal(Code.Ok, recalled.Status.Code);

        await using var accessPoint = new MessageTypesClient(cluster.BrokerA);
        var recall = await accessPoint.RecallAsync(Topic, recalled.Entries[0].RecallHandle, Ct);
        var again = await accessPoint.RecallAsync(Topic, recalled.Entries[0].RecallHandle, Ct);

        Assert.True(recall.Status.Code == Code.Ok, $"{recall.Status} ({(DateTimeOffset.UtcNow - start).TotalSeconds:0.0} s after the send)");
        Assert.Equal(recalled.Entries[0].MessageId, recall.MessageId);
        Assert.True(again.Status.Code == Code.MessageNotFound, again.Status.ToString());
        var received = await broker.ReceiveAtLeastAsync("recall-across-group", Topic, 1, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(20), Ct);
        Assert.Equal(["kept"], received.Select(RawBrokerClient.BodyOf));
        Assert.Contains(cluster.BrokerB.Logs, l => l.Contains($"Delayed message {recall.MessageId} ", StringComparison.Ordinal) && l.EndsWith("recalled", StringComparison.Ordinal));
    }
}
