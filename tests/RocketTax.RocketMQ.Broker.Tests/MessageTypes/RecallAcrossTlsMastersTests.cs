using Apache.Rocketmq.V2;
using RocketTax.RocketMQ.Broker.Tests.Messaging;
using RocketTax.RocketMQ.Broker.Tests.Security;

namespace RocketTax.RocketMQ.Broker.Tests.MessageTypes;

/// <summary>
/// A recall passed on between masters whose gRPC ports take TLS only: the master that receives it dials the one
/// holding the message over TLS, as its clients must.
/// </summary>
public sealed class RecallAcrossTlsMastersTests(TlsEnforcingClusterFixture cluster) : IClassFixture<TlsEnforcingClusterFixture>
{
    private const string Topic = "recall-across-tls-topic";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 120_000)]
    public async Task A_recall_sent_to_broker_a_cancels_a_message_of_broker_b_over_TLS()
    {
        using (var routes = new RawBrokerClient(cluster.Channel(cluster.BrokerA)))
        {
            await MessageTypesClusterFixture.CreateTopicAsync(cluster.NamesrvAddr, routes, Topic, "DELAY", Ct);
        }

        using var holder = new RawBrokerClient(cluster.Channel(cluster.BrokerB));
        // Due long after the test: the recall cannot race the delivery.
        var sent = await holder.SendAsync(Ct, MessageTypesClient.Delayed(Topic, "recalled", DateTimeOffset.UtcNow.AddMinutes(10)));
        Assert.Equal(Code.Ok, sent.Status.Code);

        await using var accessPoint = new MessageTypesClient(cluster.BrokerA, channel: cluster.Channel(cluster.BrokerA));
        var recall = await accessPoint.RecallAsync(Topic, sent.Entries[0].RecallHandle, Ct);

        Assert.True(recall.Status.Code == Code.Ok, recall.Status.ToString());
        Assert.Equal(sent.Entries[0].MessageId, recall.MessageId);
        Assert.Contains(cluster.BrokerB.Logs, l => l.Contains($"Delayed message {recall.MessageId} ", StringComparison.Ordinal) && l.EndsWith("recalled", StringComparison.Ordinal));
    }
}
