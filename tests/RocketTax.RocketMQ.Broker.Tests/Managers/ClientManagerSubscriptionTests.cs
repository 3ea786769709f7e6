using Apache.Rocketmq.V2;
using RocketTax.RocketMQ.Broker.Managers;
using RocketTax.RocketMQ.Broker.Tests.Store;
using RocketTax.RocketMQ.Remoting.Body;

namespace RocketTax.RocketMQ.Broker.Tests.Managers;

/// <summary>
/// The subscription a 4.x push consumer's pull is filtered by, found in the group's index: there after a heartbeat, as the
/// latest heartbeat says, gone after the consumer unregisters, terminates or falls silent past the expiry.
/// </summary>
public sealed class ClientManagerSubscriptionTests
{
    private const string Group = "consumer-group";
    private const string Topic = "tax-data-topic";

    private readonly FixedTimeProvider _clock = new(new DateTimeOffset(2026, 11, 27, 0, 0, 0, TimeSpan.Zero));
    private readonly ClientManager _clients;

    public ClientManagerSubscriptionTests() => _clients = new ClientManager(_clock);

    [Fact]
    public void A_heartbeat_makes_its_subscription_found_and_a_changed_heartbeat_replaces_it()
    {
        Heartbeat("client-a", Group, new SubscriptionData(Topic, "2021S1", "TAG"));
        var first = _clients.Subscription(Group, Topic);
        _clock.Advance(TimeSpan.FromSeconds(30));
        Heartbeat("client-a", Group, new SubscriptionData(Topic, "2021S2", "TAG"));

        Assert.Equal("2021S1", first?.SubString);
        Assert.Equal("2021S2", _clients.Subscription(Group, Topic)?.SubString);
        Assert.Null(_clients.Subscription(Group, "another-topic"));
        Assert.Null(_clients.Subscription("another-group", Topic));
    }

    [Fact]
    public void A_heartbeat_that_drops_the_topic_takes_its_subscription_away()
    {
        Heartbeat("client-a", Group, new SubscriptionData(Topic, "*"));
        Heartbeat("client-a", Group, new SubscriptionData("another-topic", "*"));

        Assert.Null(_clients.Subscription(Group, Topic));
        Assert.Equal("*", _clients.Subscription(Group, "another-topic")?.SubString);
    }

    [Fact]
    public void Unregistering_the_consumer_or_terminating_the_client_takes_its_subscription_away()
    {
        Heartbeat("client-a", Group, new SubscriptionData(Topic, "*"));
        Heartbeat("client-b", "group-b", new SubscriptionData(Topic, "*"));

        _clients.RemoveConsumer("client-a", Group);
        _clients.Remove("client-b");

        Assert.Null(_clients.Subscription(Group, Topic));
        Assert.Null(_clients.Subscription("group-b", Topic));
    }

    [Fact]
    public void A_consumer_silent_past_the_expiry_has_no_subscription_until_it_beats_again()
    {
        Heartbeat("client-a", Group, new SubscriptionData(Topic, "*"));
        _clock.Advance(ClientManager.Expiry);
        var atExpiry = _clients.Subscription(Group, Topic);
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        var pastExpiry = _clients.Subscription(Group, Topic);
        Heartbeat("client-a", Group, new SubscriptionData(Topic, "*"));

        Assert.NotNull(atExpiry);
        Assert.Null(pastExpiry);
        Assert.NotNull(_clients.Subscription(Group, Topic));
    }

    [Fact]
    public void The_latest_heartbeat_wins_and_when_its_consumer_leaves_the_next_latest_does()
    {
        Heartbeat("client-a", Group, new SubscriptionData(Topic, "older"));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Heartbeat("client-b", Group, new SubscriptionData(Topic, "newer"));
        _clock.Advance(TimeSpan.FromSeconds(1));
        _clients.Touch("client-c", ClientType.PushConsumer, Group, "JAVA"); // a 5.x consumer of the group: subscribes to nothing here
        var both = _clients.Subscription(Group, Topic);

        _clients.RemoveConsumer("client-b", Group);

        Assert.Equal("newer", both?.SubString);
        Assert.Equal("older", _clients.Subscription(Group, Topic)?.SubString);
    }

    [Fact]
    public void A_producer_of_the_same_name_is_not_a_subscriber()
    {
        _clients.Touch(new ConnectedClient("client-a", ClientType.Producer, Group, "JAVA", default) { Subscriptions = [new SubscriptionData(Topic, "*")] });

        Assert.Null(_clients.Subscription(Group, Topic));
    }

    /// <summary>Random heartbeats, unregisters and silences: the index answers as a scan of the online clients does.</summary>
    [Fact]
    public void The_index_answers_as_a_scan_of_the_online_clients_does()
    {
        var random = new Random(20261127);
        string[] ids = ["c1", "c2", "c3", "c4"], groups = ["g1", "g2"], topics = ["t1", "t2", "t3"];
        for (var step = 0; step < 2_000; step++)
        {
            var (id, group) = (ids[random.Next(ids.Length)], groups[random.Next(groups.Length)]);
            switch (random.Next(6))
            {
                case 0:
                    _clients.RemoveConsumer(id, group);
                    break;
                case 1:
                    _clients.Remove(id);
                    break;
                case 2:
                    _clients.Touch(id, ClientType.Unspecified, group, null);
                    break;
                default:
                    var subscribed = topics.Where(_ => random.Next(2) == 0).Select(t => new SubscriptionData(t, $"{t}-{step}"));
                    Heartbeat(id, group, [.. subscribed]);
                    break;
            }

            _clock.Advance(TimeSpan.FromSeconds(random.Next(1, 40)));
            foreach (var g in groups)
            {
                foreach (var t in topics)
                {
                    Assert.Equal(Scanned(g, t), _clients.Subscription(g, t));
                }
            }
        }
    }

    /// <summary>The subscription as the client list says it: the latest-heard live consumer of the group that subscribes to the topic.</summary>
    private SubscriptionData? Scanned(string group, string topic) => _clients.Online()
        .Where(client => client.Type != ClientType.Producer && client.Group == group)
        .OrderByDescending(client => client.LastSeen)
        .SelectMany(client => client.Subscriptions)
        .FirstOrDefault(subscription => subscription.Topic == topic);

    private void Heartbeat(string clientId, string group, params SubscriptionData[] subscriptions) =>
        _clients.Touch(new ConnectedClient(clientId, ClientType.PushConsumer, group, "JAVA", default) { Subscriptions = subscriptions });
}
