using System.Globalization;
using Apache.Rocketmq.V2;
using RocketTax.RocketMQ.Broker.Tests.Messaging;
using RocketTax.Testing;

namespace RocketTax.RocketMQ.Broker.Tests.MessageTypes;

/// <summary>A topic's <c>message.type</c>: set by mqadmin, returned in routes, enforced on every send.</summary>
public sealed class TopicMessageTypeTests(MessageTypesBrokerFixture fixture) : IClassFixture<MessageTypesBrokerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Mqadmin_updateTopic_with_a_message_type_is_returned_in_QueryRoute()
    {
        var brokerAddr = $"127.0.0.1:{fixture.Broker.ListenPort.ToString(CultureInfo.InvariantCulture)}";
        var result = await MqAdmin.RunAsync(Ct, null, "updateTopic", "-n", "127.0.0.1:1", "-b", brokerAddr, "-t", "typed-fifo-topic", "-a", "+message.type=FIFO");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("attributes={+message.type=FIFO}", result.StdOut, StringComparison.Ordinal);

        using var client = new RawBrokerClient(fixture.Broker.GrpcEndpoint);
        var route = await client.QueryRouteAsync("typed-fifo-topic", Ct);

        Assert.Equal(Code.Ok, route.Status.Code);
        Assert.All(route.MessageQueues, q => Assert.Equal([MessageType.Fifo], q.AcceptMessageTypes));
    }

    [Fact]
    public async Task Mqadmin_updateSubGroup_makes_a_group_orderly_and_Telemetry_says_fifo()
    {
        var brokerAddr = $"127.0.0.1:{fixture.Broker.ListenPort.ToString(CultureInfo.InvariantCulture)}";
        var result = await MqAdmin.RunAsync(Ct, null, "updateSubGroup", "-n", "127.0.0.1:1", "-b", brokerAddr, "-g", "orderly-cli-group", "-o", "true", "-r", "3");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("consumeMessageOrderly=true", result.StdOut, StringComparison.Ordinal);

        await using var client = new MessageTypesClient(fixture.Broker);
        var settings = new Settings
        {
            ClientType = ClientType.SimpleConsumer,
            Subscription = new Subscription { Group = new Resource { Name = "orderly-cli-group" } },
        };
        await using var telemetry = await client.OpenTelemetryAsync(settings, Ct);
        var answer = await telemetry.NextAsync(TelemetryCommand.CommandOneofCase.Settings, TimeSpan.FromSeconds(10), Ct);

        Assert.True(answer.Settings.Subscription.Fifo);
        Assert.Equal(4, answer.Settings.BackoffPolicy.MaxAttempts);
        Assert.True(File.Exists(Path.Combine(fixture.Broker.StoreDir, "config", "subscriptionGroups.json")));
    }

    [Theory]
    [InlineData("NORMAL", "group")]
    [InlineData("NORMAL", "delay")]
    [InlineData("TRANSACTION", "plain")]
    [InlineData("FIFO", "plain")]
    [InlineData("DELAY", "plain")]
    [InlineData("FIFO", "transaction")]
    public async Task A_send_whose_type_does_not_match_its_topic_is_refused_and_the_broker_keeps_serving(string topicType, string kind)
    {
        var topic = $"mismatch-{topicType.ToLowerInvariant()}-{kind}";
        await using var admin = new MessageTypesClient(fixture.Broker);
        await admin.CreateTopicAsync(topic, topicType, 2, Ct);
        using var client = new RawBrokerClient(fixture.Broker.GrpcEndpoint);
        var message = kind switch
        {
            "group" => MessageTypesClient.Fifo(topic, "g", "x"),
            "delay" => MessageTypesClient.Delayed(topic, "x", DateTimeOffset.UtcNow.AddSeconds(5)),
            "transaction" => MessageTypesClient.Transactional(topic, "x"),
            _ => RawBrokerClient.NewMessage(topic, "x"),
        };
        if (kind is "group" or "delay")
        {
            // Even a client that declares NORMAL may not smuggle a group or delivery time onto a NORMAL topic.
            message.SystemProperties.MessageType = MessageType.Normal;
        }

        var refused = await client.SendAsync(Ct, message);
        var route = await client.QueryRouteAsync(topic, Ct);

        Assert.Equal(Code.MessagePropertyConflictWithType, refused.Status.Code);
        Assert.Equal(Code.Ok, route.Status.Code);
    }
}
