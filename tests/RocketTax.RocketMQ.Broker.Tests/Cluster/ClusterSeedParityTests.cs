using Apache.Rocketmq.V2;
using RocketTax.RocketMQ.Broker.Tests.Compat;
using RocketTax.RocketMQ.Broker.Tests.Messaging;
using RocketTax.Testing;

namespace RocketTax.RocketMQ.Broker.Tests.Cluster;

/// <summary>
/// The seed's deployment checks, on two name servers and broker-a/broker-b as four processes: clusterList,
/// routes spanning both masters, the 100 tax reports of the seed through the official Node client.
/// </summary>
public sealed class ClusterSeedParityTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    private const int TestTimeoutMs = 240_000;
    private const string SeedBody = """{"title":"X市2021年度第一季度税务汇总数据"}""";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = TestTimeoutMs)]
    public async Task ClusterList_shows_DefaultCluster_with_broker_a_and_broker_b_as_masters()
    {
        var result = await MqAdmin.RunAsync(Ct, null, "clusterList", "-n", cluster.NamesrvAddr);

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("#Cluster Name     #Broker Name            #BID  #Addr                  #Version", result.Lines[0], StringComparison.Ordinal);
        var rows = result.Lines.Skip(1).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        Assert.Equal(2, rows.Count);
        Assert.Equal(["DefaultCluster", "broker-a", "0", $"127.0.0.1:{cluster.BrokerA.ListenPort}"], rows[0][..4]);
        Assert.Equal(["DefaultCluster", "broker-b", "0", $"127.0.0.1:{cluster.BrokerB.ListenPort}"], rows[1][..4]);
    }

    [Fact(Timeout = TestTimeoutMs)]
    public async Task QueryRoute_on_either_broker_answers_4_queues_per_master_each_with_its_own_grpc_endpoint()
    {
        const string topic = "route-span-topic";
        var created = await MqAdmin.RunAsync(Ct, null, "updateTopic", "-n", cluster.NamesrvAddr, "-c", "DefaultCluster", "-t", topic, "-r", "4", "-w", "4");
        Assert.Equal(0, created.ExitCode);
        Assert.Equal(2, created.Lines.Count(l => l.StartsWith("create topic to ", StringComparison.Ordinal)));

        foreach (var entry in new[] { cluster.BrokerA, cluster.BrokerB })
        {
            var queues = await WaitForQueuesAsync(entry, topic, 8);
            AssertQueuesOf(queues, "broker-a", cluster.BrokerA.GrpcPort);
            AssertQueuesOf(queues, "broker-b", cluster.BrokerB.GrpcPort);
        }
    }

    [Fact(Timeout = TestTimeoutMs)]
    public async Task Messages_sent_to_queue_ids_0_to_3_of_each_broker_show_in_consumerProgress_per_queue()
    {
        const string topic = "queue-spread-topic";
        Assert.Equal(0, (await MqAdmin.RunAsync(Ct, null, "updateTopic", "-n", cluster.NamesrvAddr, "-c", "DefaultCluster", "-t", topic)).ExitCode);
        foreach (var broker in new[] { cluster.BrokerA, cluster.BrokerB })
        {
            using var client = new RawBrokerClient(broker.GrpcEndpoint);
            for (var queueId = 0; queueId < 4; queueId++)
            {
                var message = RawBrokerClient.NewMessage(topic, SeedBody);
                message.SystemProperties.QueueId = queueId;
                var sent = await client.SendAsync(Ct, message);
                Assert.Equal(Code.Ok, sent.Status.Code);
            }
        }

        using (var consumer = new RawBrokerClient(cluster.BrokerA.GrpcEndpoint))
        {
            Assert.Equal(4, (await consumer.ReceiveAtLeastAsync("spread-group", topic, 4, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30), Ct)).Count);
        }

        var progress = await MqAdmin.RunAsync(Ct, null, "consumerProgress", "-n", cluster.NamesrvAddr, "-g", "spread-group", "-t", topic);

        Assert.Equal(0, progress.ExitCode);
        Assert.StartsWith("#Topic", progress.Lines[0], StringComparison.Ordinal);
        var rows = progress.Lines.Where(l => l.StartsWith(topic, StringComparison.Ordinal)).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        Assert.Equal(8, rows.Count);
        foreach (var brokerName in new[] { "broker-a", "broker-b" })
        {
            Assert.Equal(["0", "1", "2", "3"], rows.Where(r => r[1] == brokerName).Select(r => r[2]));
            Assert.All(rows.Where(r => r[1] == brokerName), r => Assert.Equal("1", r[3]));
        }
    }

    [Fact(Timeout = TestTimeoutMs)]
    public async Task Seed_100_tax_reports_from_the_official_Node_client_reach_both_brokers_and_consumer_group_receives_all()
    {
        const string topic = "tax-data-topic";
        var node = NodeCompat.Require();
        Assert.Equal(0, (await MqAdmin.RunAsync(Ct, null, "updateTopic", "-n", cluster.NamesrvAddr, "-c", "DefaultCluster", "-t", topic, "-r", "4", "-w", "4")).ExitCode);
        await WaitForQueuesAsync(cluster.BrokerA, topic, 8);

        var sent = await node.ProduceAsync(
            new ProduceArgs(cluster.BrokerA.GrpcEndpoint, topic, "2021S1", SeedBody, Count: 100, Keys: ["tax-2021S1-{i}"]), Ct);
        var consumed = await node.ConsumeAsync(
            new ConsumeArgs(cluster.BrokerA.GrpcEndpoint, "consumer-group", topic, "*", Count: 100, InvisibleSeconds: 30, Ack: true, MaxSeconds: 90), Ct);

        Assert.Equal(100, sent.Select(s => s.MessageId).Distinct().Count());
        Assert.Equal(sent.Select(s => s.MessageId).Order(), consumed.Messages.Select(m => m.MessageId).Order());
        Assert.All(consumed.Messages, m => Assert.Equal(SeedBody, m.Body));

        // Node client 1.0.8 only uses queue 0 of each broker, so "both brokers received" is read per broker.
        var progress = await MqAdmin.RunAsync(Ct, null, "consumerProgress", "-n", cluster.NamesrvAddr, "-g", "consumer-group", "-t", topic);
        Assert.Equal(0, progress.ExitCode);
        var perBroker = progress.Lines.Where(l => l.StartsWith(topic, StringComparison.Ordinal))
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .GroupBy(r => r[1])
            .ToDictionary(g => g.Key, g => g.Sum(r => long.Parse(r[3], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.True(perBroker.GetValueOrDefault("broker-a") > 0, progress.ToString());
        Assert.True(perBroker.GetValueOrDefault("broker-b") > 0, progress.ToString());
        Assert.Equal(100, perBroker.Values.Sum());
        Assert.Contains("Consume Diff Total: 0", progress.StdOut, StringComparison.Ordinal);

        var lookup = await MqAdmin.RunAsync(Ct, null, "queryMsgById", "-n", cluster.NamesrvAddr, "-i", sent[0].MessageId);
        Assert.Equal(0, lookup.ExitCode);
        Assert.Contains(SeedBody, lookup.StdOut, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeoutMs)]
    public async Task TopicRoute_shows_the_message_type_a_topic_was_created_with_on_each_master()
    {
        const string topic = "route-fifo-topic";
        var created = await MqAdmin.RunAsync(Ct, null, "updateTopic", "-n", cluster.NamesrvAddr, "-c", "DefaultCluster", "-t", topic, "-a", "+message.type=FIFO");
        Assert.Equal(0, created.ExitCode);

        var route = await MqAdmin.RunAsync(Ct, null, "topicRoute", "-n", cluster.NamesrvAddr, "-t", topic);

        Assert.Equal(0, route.ExitCode);
        Assert.Contains("broker-a message.type=FIFO", route.Lines);
        Assert.Contains("broker-b message.type=FIFO", route.Lines);
    }

    [Fact(Timeout = TestTimeoutMs)]
    public async Task TopicRoute_of_an_unknown_topic_fails_with_one_line_and_exit_code_1()
    {
        var result = await MqAdmin.RunAsync(Ct, null, "topicRoute", "-n", cluster.NamesrvAddr, "-t", "never-created-topic");

        Assert.Equal(1, result.ExitCode);
        Assert.Empty(result.StdOut.Trim());
        var line = Assert.Single(result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("never-created-topic", line, StringComparison.Ordinal);
        Assert.Contains("updateTopic", line, StringComparison.Ordinal);
    }

    private static void AssertQueuesOf(IReadOnlyList<MessageQueue> queues, string brokerName, int grpcPort)
    {
        var own = queues.Where(q => q.Broker.Name == brokerName).ToList();
        Assert.Equal([0, 1, 2, 3], own.Select(q => q.Id).Order());
        Assert.All(own, q => Assert.Equal(grpcPort, Assert.Single(q.Broker.Endpoints.Addresses).Port));
    }

    /// <summary>Polls QueryRoute until it lists <paramref name="count"/> queues: registrations reach the name servers a moment after the topic is created.</summary>
    public static async Task<IReadOnlyList<MessageQueue>> WaitForQueuesAsync(BrokerProcess broker, string topic, int count)
    {
        using var client = new RawBrokerClient(broker.GrpcEndpoint);
        return await WaitForQueuesAsync(client, topic, count);
    }

    /// <summary>Asks <paramref name="client"/>'s broker for the route of <paramref name="topic"/> until it lists <paramref name="count"/> queues.</summary>
    public static async Task<IReadOnlyList<MessageQueue>> WaitForQueuesAsync(RawBrokerClient client, string topic, int count)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));
        while (true)
        {
            var route = await client.QueryRouteAsync(topic, deadline.Token);
            if (route.Status.Code == Code.Ok && route.MessageQueues.Count == count)
            {
                return route.MessageQueues;
            }

            await Task.Delay(100, deadline.Token);
        }
    }
}
