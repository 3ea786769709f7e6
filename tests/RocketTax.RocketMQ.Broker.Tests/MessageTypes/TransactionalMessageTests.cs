using Apache.Rocketmq.V2;
using RocketTax.RocketMQ.Broker.Tests.Messaging;

namespace RocketTax.RocketMQ.Broker.Tests.MessageTypes;

/// <summary>TRANSACTION topics: half messages, EndTransaction, the broker's checks through Telemetry.</summary>
public sealed class TransactionalMessageTests(MessageTypesBrokerFixture fixture) : IClassFixture<MessageTypesBrokerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_committed_message_is_delivered_and_a_rolled_back_one_never_is()
    {
        await using var admin = new MessageTypesClient(fixture.Broker);
        await admin.CreateTopicAsync("tx-topic", "TRANSACTION", 2, Ct);
        using var client = new RawBrokerClient(fixture.Broker.GrpcEndpoint);
        var commit = MessageTypesClient.Transactional("tx-topic", "commit me");
        var rollback = MessageTypesClient.Transactional("tx-topic", "roll me back");
        var sentCommit = await client.SendAsync(Ct, commit);
        var sentRollback = await client.SendAsync(Ct, rollback);
        Assert.Equal(Code.Ok, sentCommit.Status.Code);
        Assert.False(string.IsNullOrEmpty(sentCommit.Entries[0].TransactionId));

        var (before, invisible) = await client.ReceiveAsync("tx-group", "tx-topic", "*", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(300), Ct);
        Assert.Equal(Code.MessageNotFound, before.Code);
        Assert.Empty(invisible);

        var committed = await admin.EndTransactionAsync("tx-topic", commit.SystemProperties.MessageId, sentCommit.Entries[0].TransactionId, TransactionResolution.Commit, Ct);
        var rolledBack = await admin.EndTransactionAsync("tx-topic", rollback.SystemProperties.MessageId, sentRollback.Entries[0].TransactionId, TransactionResolution.Rollback, Ct);
        var twice = await admin.EndTransactionAsync("tx-topic", commit.SystemProperties.MessageId, sentCommit.Entries[0].TransactionId, TransactionResolution.Commit, Ct);
        Assert.Equal(Code.Ok, committed.Status.Code);
        Assert.Equal(Code.Ok, rolledBack.Status.Code);
        Assert.Equal(Code.InvalidTransactionId, twice.Status.Code);

        var received = await client.ReceiveAtLeastAsync("tx-group", "tx-topic", 1, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10), Ct);
        var (after, more) = await client.ReceiveAsync("tx-group", "tx-topic", "*", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(500), Ct);
        Assert.Equal(["commit me"], received.Select(RawBrokerClient.BodyOf));
        Assert.Equal(Code.MessageNotFound, after.Code);
        Assert.Empty(more);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-a-transaction")]
    [InlineData("00000000000F4240@broker-that-does-not-exist")]
    [InlineData("00000000000F4240@")]
    public async Task An_unknown_transaction_id_gets_INVALID_TRANSACTION_ID_and_the_broker_keeps_serving(string transactionId)
    {
        await using var admin = new MessageTypesClient(fixture.Broker);
        using var client = new RawBrokerClient(fixture.Broker.GrpcEndpoint);

        var response = await admin.EndTransactionAsync("tx-unknown-topic", "0123456789ABCDEF", transactionId, TransactionResolution.Commit, Ct);
        var send = await client.SendAsync(Ct, RawBrokerClient.NewMessage("tx-unknown-topic", "still serving"));

        Assert.Equal(Code.InvalidTransactionId, response.Status.Code);
        Assert.Equal(Code.Ok, send.Status.Code);
    }

    [Fact]
    public async Task An_unresolved_transaction_is_checked_through_the_producers_Telemetry_stream_and_its_commit_delivers()
    {
        await using var admin = new MessageTypesClient(fixture.Broker, "tx-producer@test");
        await admin.CreateTopicAsync("tx-check-topic", "TRANSACTION", 2, Ct);
        var settings = new Settings
        {
            ClientType = ClientType.Producer,
            Publishing = new Publishing { Topics = { new Resource { Name = "tx-check-topic" } } },
        };
        await using var telemetry = await admin.OpenTelemetryAsync(settings, Ct);
        await telemetry.NextAsync(TelemetryCommand.CommandOneofCase.Settings, TimeSpan.FromSeconds(10), Ct);
        using var client = new RawBrokerClient(fixture.Broker.GrpcEndpoint);
        var message = MessageTypesClient.Transactional("tx-check-topic", "checked");
        var sent = await client.SendAsync(Ct, message);

        var check = await telemetry.NextAsync(TelemetryCommand.CommandOneofCase.RecoverOrphanedTransactionCommand, TimeSpan.FromSeconds(10), Ct);
        Assert.Equal(sent.Entries[0].TransactionId, check.RecoverOrphanedTransactionCommand.TransactionId);
        Assert.Equal(message.SystemProperties.MessageId, check.RecoverOrphanedTransactionCommand.Message.SystemProperties.MessageId);
        Assert.Equal("tx-check-topic", check.RecoverOrphanedTransactionCommand.Message.Topic.Name);
        Assert.Equal("checked", RawBrokerClient.BodyOf(check.RecoverOrphanedTransactionCommand.Message));

        var end = await admin.EndTransactionAsync("tx-check-topic", message.SystemProperties.MessageId, check.RecoverOrphanedTransactionCommand.TransactionId,
            TransactionResolution.Commit, Ct, TransactionSource.SourceServerCheck);
        Assert.Equal(Code.Ok, end.Status.Code);
        var received = await client.ReceiveAtLeastAsync("tx-check-group", "tx-check-topic", 1, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10), Ct);
        Assert.Equal(["checked"], received.Select(RawBrokerClient.BodyOf));
    }

    [Fact]
    public async Task A_transaction_nobody_resolves_is_rolled_back_after_transactionCheckMax_checks()
    {
        await using var admin = new MessageTypesClient(fixture.Broker);
        await admin.CreateTopicAsync("tx-abandoned-topic", "TRANSACTION", 1, Ct);
        using var client = new RawBrokerClient(fixture.Broker.GrpcEndpoint);
        var message = MessageTypesClient.Transactional("tx-abandoned-topic", "abandoned");
        var sent = await client.SendAsync(Ct, message);
        Assert.Equal(Code.Ok, sent.Status.Code);

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        var logLine = $"Transactional message {message.SystemProperties.MessageId} rolled back";
        // The outcome line comes first, the check-limit line right after it: wait for the one asserted on.
        while (!fixture.Broker.Logs.Any(l => l.Contains(logLine, StringComparison.Ordinal) && l.Contains("transactionCheckMax", StringComparison.Ordinal))
            && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100, Ct);
        }

        Assert.Contains(fixture.Broker.Logs, l => l.Contains(logLine, StringComparison.Ordinal) && l.Contains("transactionCheckMax", StringComparison.Ordinal));
        var late = await admin.EndTransactionAsync("tx-abandoned-topic", message.SystemProperties.MessageId, sent.Entries[0].TransactionId, TransactionResolution.Commit, Ct);
        Assert.Equal(Code.InvalidTransactionId, late.Status.Code);
    }
}
