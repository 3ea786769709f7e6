using System.Text;
using Microsoft.Extensions.DependencyInjection;

namespace RocketTax.RocketMQ.Client.Tests.MessageTypes;

/// <summary>Transactional messages: invisible until committed, dropped on rollback, and settled by the checker when left open.</summary>
[Collection(MessageTypesCollection.Name)]
public sealed class TransactionTests(MessageTypesFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 90_000)]
    public async Task Committed_message_is_delivered_only_after_the_commit()
    {
        const string topic = "tx-commit-topic";
        await fixture.CreateTopicAsync(topic, "TRANSACTION", Ct);
        await using var producer = new Producer(Clients.Producer(fixture.Endpoint));
        await using var consumer = new SimpleConsumer(Clients.Simple(fixture.Endpoint, "tx-commit-group", topic, awaitSeconds: 1));

        var transaction = producer.BeginTransaction();
        var receipt = await producer.SendAsync(new Message(topic, "committed"), transaction, Ct);
        var beforeCommit = await consumer.ReceiveAsync(1, TimeSpan.FromSeconds(30), Ct);
        await transaction.CommitAsync(Ct);
        var delivered = Assert.Single(await Clients.ReceiveAtLeastAsync(consumer, 1, TimeSpan.FromSeconds(30), ack: true, Ct));

        Assert.NotEmpty(receipt.TransactionId);
        Assert.Empty(beforeCommit);
        Assert.Equal(receipt.MessageId, delivered.MessageId);
        Assert.Equal("committed", Encoding.UTF8.GetString(delivered.Body.Span));
        await Assert.ThrowsAsync<InvalidOperationException>(() => transaction.CommitAsync(Ct));
        await Assert.ThrowsAsync<InvalidOperationException>(() => producer.SendAsync(new Message(topic, "second"), transaction, Ct));
    }

    [Fact(Timeout = 90_000)]
    public async Task Rolled_back_message_is_never_delivered()
    {
        const string topic = "tx-rollback-topic";
        await fixture.CreateTopicAsync(topic, "TRANSACTION", Ct);
        await using var producer = new Producer(Clients.Producer(fixture.Endpoint));

        var rolledBack = producer.BeginTransaction();
        var dropped = await producer.SendAsync(new Message(topic, "rolled-back"), rolledBack, Ct);
        await rolledBack.RollbackAsync(Ct);
        // A later committed message of the same topic: once it is here, the rolled-back one had every chance to be.
        var control = producer.BeginTransaction();
        var kept = await producer.SendAsync(new Message(topic, "control"), control, Ct);
        await control.CommitAsync(Ct);

        await using var consumer = new SimpleConsumer(Clients.Simple(fixture.Endpoint, "tx-rollback-group", topic, awaitSeconds: 1));
        var received = new List<MessageView>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!received.Any(m => m.MessageId == kept.MessageId) && DateTime.UtcNow < deadline)
        {
            received.AddRange(await Clients.ReceiveAtLeastAsync(consumer, 1, TimeSpan.FromSeconds(5), ack: true, Ct));
        }

        Assert.Contains(received, m => m.MessageId == kept.MessageId);
        Assert.DoesNotContain(received, m => m.MessageId == dropped.MessageId);
        Assert.Empty(await consumer.ReceiveAsync(32, TimeSpan.FromSeconds(30), Ct));
    }

    [Fact(Timeout = 90_000)]
    public async Task Open_transaction_is_settled_by_the_checker_registered_in_DI()
    {
        const string topic = "tx-check-topic";
        await fixture.CreateTopicAsync(topic, "TRANSACTION", Ct);
        var checks = new DependencyInjectionTests.Received();
        await using var services = new ServiceCollection()
            .AddSingleton(checks)
            .AddRocketMQProducer(Clients.Producer(fixture.Endpoint))
            .AddRocketMQTransactionChecker<CommittingChecker>()
            .BuildServiceProvider();
        var producer = services.GetRequiredService<Producer>();

        var transaction = producer.BeginTransaction();
        var receipt = await producer.SendAsync(new Message(topic, "checked") { Keys = ["report-7"] }, transaction, Ct);
        var asked = await checks.First.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        await using var consumer = new SimpleConsumer(Clients.Simple(fixture.Endpoint, "tx-check-group", topic));
        var delivered = Assert.Single(await Clients.ReceiveAtLeastAsync(consumer, 1, TimeSpan.FromSeconds(30), ack: true, Ct));

        Assert.Equal(receipt.MessageId, asked.MessageId);
        Assert.Equal(["report-7"], asked.Keys);
        Assert.Equal(receipt.MessageId, delivered.MessageId);
        // The check committed it: the application's own late commit finds nothing open.
        var late = await Assert.ThrowsAsync<RocketMQException>(() => transaction.CommitAsync(Ct));
        Assert.Equal(40008, late.StatusCode);
    }

    /// <summary>A checker whose local transactions all committed.</summary>
    public sealed class CommittingChecker(DependencyInjectionTests.Received asked) : ITransactionChecker
    {
        public ValueTask<TransactionResolution> CheckAsync(MessageView message, CancellationToken cancellationToken)
        {
            asked.First.TrySetResult(message);
            return ValueTask.FromResult(TransactionResolution.Commit);
        }
    }
}
