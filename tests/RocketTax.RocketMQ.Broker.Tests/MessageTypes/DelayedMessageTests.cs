using Apache.Rocketmq.V2;
using RocketTax.RocketMQ.Broker.Tests.Messaging;

namespace RocketTax.RocketMQ.Broker.Tests.MessageTypes;

/// <summary>DELAY topics: delivery at the requested millisecond, never early; the limit; recall.</summary>
public sealed class DelayedMessageTests(MessageTypesBrokerFixture fixture) : IClassFixture<MessageTypesBrokerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Delayed_messages_arrive_at_their_time_never_early_and_within_a_second()
    {
        await using var admin = new MessageTypesClient(fixture.Broker);
        await admin.CreateTopicAsync("delay-topic", "DELAY", 4, Ct);
        using var client = new RawBrokerClient(fixture.Broker.GrpcEndpoint);
        var start = DateTimeOffset.UtcNow;
        var due = new Dictionary<string, DateTimeOffset>();
        for (var i = 0; i < 6; i++)
        {
            var at = start + TimeSpan.FromMilliseconds(3000 + (i * 300)); // still in the future when stored, even on a loaded machine
            var message = MessageTypesClient.Delayed("delay-topic", $"d{i}", at);
            var sent = await client.SendAsync(Ct, message);
            Assert.Equal(Code.Ok, sent.Status.Code);
            Assert.False(string.IsNullOrEmpty(sent.Entries[0].RecallHandle));
            due[$"d{i}"] = at;
        }

        var arrivals = new Dictionary<string, DateTimeOffset>();
        var stored = new Dictionary<string, DateTimeOffset>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (arrivals.Count < due.Count && DateTime.UtcNow < deadline)
        {
            var (_, messages) = await client.ReceiveAsync("delay-group", "delay-topic", "*", TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(2), Ct);
            var now = DateTimeOffset.UtcNow;
            foreach (var message in messages)
            {
                arrivals[RawBrokerClient.BodyOf(message)] = now;
                stored[RawBrokerClient.BodyOf(message)] = message.SystemProperties.StoreTimestamp.ToDateTimeOffset();
            }
        }

        Assert.Equal(due.Keys.Order(), arrivals.Keys.Order());
        foreach (var (body, at) in due)
        {
            Assert.True(arrivals[body] >= at, $"{body} arrived {(at - arrivals[body]).TotalMilliseconds} ms early");
            // Lateness by the broker's clock: its store time is when the timer put it on its topic for consumers. The
            // client's arrival time would also count its receive's trip and turn, which on a loaded machine can be seconds.
            Assert.True(stored[body] - at < TimeSpan.FromSeconds(1), $"{body} was put on its topic {(stored[body] - at).TotalMilliseconds} ms late");
        }
    }

    [Fact]
    public async Task A_delivery_time_in_the_past_is_delivered_at_once()
    {
        await using var admin = new MessageTypesClient(fixture.Broker);
        await admin.CreateTopicAsync("delay-past-topic", "DELAY", 2, Ct);
        using var client = new RawBrokerClient(fixture.Broker.GrpcEndpoint);
        Assert.Equal(Code.Ok, (await client.SendAsync(Ct, MessageTypesClient.Delayed("delay-past-topic", "late", DateTimeOffset.UtcNow.AddMinutes(-5)))).Status.Code);

        var received = await client.ReceiveAtLeastAsync("delay-past-group", "delay-past-topic", 1, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(5), Ct);
        Assert.Equal("late", RawBrokerClient.BodyOf(Assert.Single(received)));
    }

    [Fact]
    public async Task A_delivery_time_beyond_timerMaxDelaySec_is_refused_and_the_broker_keeps_serving()
    {
        await using var admin = new MessageTypesClient(fixture.Broker);
        await admin.CreateTopicAsync("delay-max-topic", "DELAY", 2, Ct);
        using var client = new RawBrokerClient(fixture.Broker.GrpcEndpoint);

        var refused = await client.SendAsync(Ct, MessageTypesClient.Delayed("delay-max-topic", "too late", DateTimeOffset.UtcNow.AddHours(2)));
        var accepted = await client.SendAsync(Ct, MessageTypesClient.Delayed("delay-max-topic", "fine", DateTimeOffset.UtcNow.AddMinutes(30)));

        Assert.Equal(Code.IllegalDeliveryTime, refused.Status.Code);
        Assert.Contains("timerMaxDelaySec", refused.Status.Message, StringComparison.Ordinal);
        Assert.Equal(Code.Ok, accepted.Status.Code);
    }

    [Fact]
    public async Task A_recalled_message_is_never_delivered_and_a_second_recall_says_so()
    {
        await using var admin = new MessageTypesClient(fixture.Broker);
        await admin.CreateTopicAsync("recall-topic", "DELAY", 2, Ct);
        using var client = new RawBrokerClient(fixture.Broker.GrpcEndpoint);
        // Both fall due together, late enough that the recall comes first even on a loaded machine.
        var due = DateTimeOffset.UtcNow.AddSeconds(5);
        var recalled = MessageTypesClient.Delayed("recall-topic", "recalled", due);
        var kept = MessageTypesClient.Delayed("recall-topic", "kept", due);
        var sent = await client.SendAsync(Ct, recalled);
        Assert.Equal(Code.Ok, (await client.SendAsync(Ct, kept)).Status.Code);

        var recall = await admin.RecallAsync("recall-topic", sent.Entries[0].RecallHandle, Ct);
        var again = await admin.RecallAsync("recall-topic", sent.Entries[0].RecallHandle, Ct);
        var garbage = await admin.RecallAsync("recall-topic", "not-a-handle", Ct);

        Assert.Equal(Code.Ok, recall.Status.Code);
        Assert.Equal(recalled.SystemProperties.MessageId, recall.MessageId);
        Assert.Equal(Code.MessageNotFound, again.Status.Code);
        Assert.Equal(Code.BadRequest, garbage.Status.Code);

        var received = await client.ReceiveAtLeastAsync("recall-group", "recall-topic", 1, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10), Ct);
        var (status, more) = await client.ReceiveAsync("recall-group", "recall-topic", "*", TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(1.5), Ct);
        Assert.Equal(["kept"], received.Select(RawBrokerClient.BodyOf));
        Assert.Equal(Code.MessageNotFound, status.Code);
        Assert.Empty(more);
    }
}
