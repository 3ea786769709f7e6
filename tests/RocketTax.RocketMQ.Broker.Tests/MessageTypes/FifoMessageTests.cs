using Apache.Rocketmq.V2;
using RocketTax.RocketMQ.Broker.Tests.Messaging;

namespace RocketTax.RocketMQ.Broker.Tests.MessageTypes;

/// <summary>FIFO topics and orderly groups: one queue per message group, the next message only after the previous is done.</summary>
public sealed class FifoMessageTests(MessageTypesBrokerFixture fixture) : IClassFixture<MessageTypesBrokerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_orderly_group_receives_every_message_group_in_send_order()
    {
        await using var admin = new MessageTypesClient(fixture.Broker);
        await admin.CreateTopicAsync("fifo-order-topic", "FIFO", 4, Ct);
        await admin.UpdateGroupAsync("fifo-order-group", orderly: true, retryMaxTimes: 16, Ct);
        using var client = new RawBrokerClient(fixture.Broker.GrpcEndpoint);
        string[] groups = ["city-X", "city-Y", "city-Z"];
        for (var i = 0; i < 30; i++)
        {
            var group = groups[i % groups.Length];
            var sent = await client.SendAsync(Ct, MessageTypesClient.Fifo("fifo-order-topic", group, $"{group}:{i / groups.Length}"));
            Assert.Equal(Code.Ok, sent.Status.Code);
        }

        var received = new List<Message>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (received.Count < 30 && DateTime.UtcNow < deadline)
        {
            var (_, messages) = await client.ReceiveAsync("fifo-order-group", "fifo-order-topic", "*", TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(1), Ct, batchSize: 4);
            received.AddRange(messages);
            if (messages.Count > 0)
            {
                Assert.Equal(Code.Ok, (await client.AckAsync("fifo-order-group", "fifo-order-topic", messages, Ct)).Status.Code);
            }
        }

        Assert.Equal(30, received.Count);
        foreach (var group in groups)
        {
            var ofGroup = received.Where(m => m.SystemProperties.MessageGroup == group).ToList();
            Assert.Equal(Enumerable.Range(0, 10).Select(i => $"{group}:{i}"), ofGroup.Select(RawBrokerClient.BodyOf));
            Assert.Single(ofGroup.Select(m => m.SystemProperties.QueueId).Distinct());
        }
    }

    [Fact]
    public async Task An_unacked_message_holds_its_group_until_it_comes_back_and_keeps_its_place()
    {
        await using var admin = new MessageTypesClient(fixture.Broker);
        await admin.CreateTopicAsync("fifo-hold-topic", "FIFO", 1, Ct);
        await admin.UpdateGroupAsync("fifo-hold-group", orderly: true, retryMaxTimes: 16, Ct);
        using var client = new RawBrokerClient(fixture.Broker.GrpcEndpoint);
        for (var i = 1; i <= 3; i++)
        {
            Assert.Equal(Code.Ok, (await client.SendAsync(Ct, MessageTypesClient.Fifo("fifo-hold-topic", "city-X", $"m{i}"))).Status.Code);
        }

        // The second receive must reach the broker, and end its 0.5 s wait, while m1 is still invisible: 2 s left a loaded
        // machine only 1.5 s for an answer's trip back and the next request's trip out.
        var first = await client.ReceiveAsync("fifo-hold-group", "fifo-hold-topic", "*", TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5), Ct, batchSize: 1);
        var held = await client.ReceiveAsync("fifo-hold-group", "fifo-hold-topic", "*", TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(500), Ct, batchSize: 1);
        var again = await client.ReceiveAtLeastAsync("fifo-hold-group", "fifo-hold-topic", 1, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10), Ct);

        Assert.Equal("m1", RawBrokerClient.BodyOf(Assert.Single(first.Messages)));
        Assert.Equal(Code.MessageNotFound, held.Status.Code);
        Assert.Equal("m1", RawBrokerClient.BodyOf(again[0]));
        Assert.Equal(2, again[0].SystemProperties.DeliveryAttempt);

        Assert.Equal(Code.Ok, (await client.AckAsync("fifo-hold-group", "fifo-hold-topic", again, Ct)).Status.Code);
        var rest = new List<Message>(again.Skip(1));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (rest.Count < 2 && DateTime.UtcNow < deadline)
        {
            var (_, messages) = await client.ReceiveAsync("fifo-hold-group", "fifo-hold-topic", "*", TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(1), Ct);
            rest.AddRange(messages);
            await client.AckAsync("fifo-hold-group", "fifo-hold-topic", messages, Ct);
        }

        Assert.Equal(["m2", "m3"], rest.Select(RawBrokerClient.BodyOf));
    }

    [Fact]
    public async Task A_message_that_used_up_its_attempts_goes_to_the_DLQ_and_frees_its_group()
    {
        await using var admin = new MessageTypesClient(fixture.Broker);
        await admin.CreateTopicAsync("fifo-dlq-topic", "FIFO", 1, Ct);
        await admin.UpdateGroupAsync("fifo-dlq-group", orderly: true, retryMaxTimes: 1, Ct);
        using var client = new RawBrokerClient(fixture.Broker.GrpcEndpoint);
        Assert.Equal(Code.Ok, (await client.SendAsync(Ct, MessageTypesClient.Fifo("fifo-dlq-topic", "g", "poison"))).Status.Code);
        Assert.Equal(Code.Ok, (await client.SendAsync(Ct, MessageTypesClient.Fifo("fifo-dlq-topic", "g", "next"))).Status.Code);

        var bodies = new List<string>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!bodies.Contains("next") && DateTime.UtcNow < deadline)
        {
            // Never acks "poison": two deliveries (first try + 1 retry), then the DLQ.
            var (_, messages) = await client.ReceiveAsync("fifo-dlq-group", "fifo-dlq-topic", "*", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), Ct, batchSize: 1);
            bodies.AddRange(messages.Select(RawBrokerClient.BodyOf));
        }

        Assert.Equal(["poison", "poison", "next"], bodies);
        var dead = await client.ReceiveAtLeastAsync("dlq-reader", "%DLQ%fifo-dlq-group", 1, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10), Ct);
        Assert.Equal("poison", RawBrokerClient.BodyOf(Assert.Single(dead)));
    }

    [Fact]
    public async Task QueryAssignment_gives_an_orderly_group_one_assignment_per_queue()
    {
        await using var admin = new MessageTypesClient(fixture.Broker);
        await admin.CreateTopicAsync("fifo-assign-topic", "FIFO", 3, Ct);
        await admin.UpdateGroupAsync("fifo-assign-orderly", orderly: true, retryMaxTimes: 16, Ct);

        var orderly = await admin.QueryAssignmentAsync("fifo-assign-topic", "fifo-assign-orderly", Ct);
        var concurrent = await admin.QueryAssignmentAsync("fifo-assign-topic", "fifo-assign-concurrent", Ct);

        Assert.Equal([0, 1, 2], orderly.Assignments.Select(a => a.MessageQueue.Id).Order());
        Assert.Equal([-1], concurrent.Assignments.Select(a => a.MessageQueue.Id));
    }
}
