using Apache.Rocketmq.V2;
using RocketTax.RocketMQ.Broker.Managers;
using RocketTax.RocketMQ.Broker.Tests.Remoting;
using RocketTax.RocketMQ.Broker.Tests.Store;
using RocketTax.RocketMQ.Remoting;
using RocketTax.RocketMQ.Remoting.Body;
using Encoding = System.Text.Encoding;

namespace RocketTax.RocketMQ.Broker.Tests.Managers;

/// <summary>
/// A 4.x client's <c>HEART_BEAT</c> and <c>UNREGISTER_CLIENT</c>: the heartbeat lists it as a connection of its consumer
/// group (as <c>GET_CONSUMER_CONNECTION_LIST</c> shows it) until it unregisters or is silent past the expiry.
/// </summary>
public sealed class ClientManageProcessorTests
{
    private const string Peer = "10.0.0.9:50123";
    private const string ConsumerGroup = "consumer-group";
    private const string ProducerGroup = "city-tax-producer";

    private readonly FixedTimeProvider _clock = new(new DateTimeOffset(2026, 11, 27, 0, 0, 0, TimeSpan.Zero));
    private readonly ClientManageProcessor _clientManage;
    private readonly ConsumerConnectionProcessor _connections;

    public ClientManageProcessorTests()
    {
        var clients = new ClientManager(_clock);
        _clientManage = new ClientManageProcessor(clients);
        _connections = new ConsumerConnectionProcessor(clients);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_heartbeat_is_answered_SUCCESS_and_lists_the_client_as_a_connection_of_its_consumer_group()
    {
        var answer = await _clientManage.ProcessAsync(JavaClientRequests.HeartBeat(ProducerGroup, ConsumerGroup, "tax-data-topic"), Peer, Ct);

        Assert.Equal(ResponseCode.Success, answer.Code);
        var connections = await ConsumerConnectionsAsync(ConsumerGroup);
        var connection = Assert.Single(connections.ConnectionSet);
        Assert.Equal(JavaClientRequests.ClientId, connection.ClientId);
        Assert.Equal(Peer, connection.ClientAddr);
        Assert.Equal("JAVA", connection.Language);
        Assert.Equal(399, connection.Version);
        Assert.Equal("CONSUME_PASSIVELY", connections.ConsumeType);
        Assert.Equal("CLUSTERING", connections.MessageModel);
    }

    [Fact]
    public async Task A_broadcasting_consumer_is_shown_as_broadcasting()
    {
        await _clientManage.ProcessAsync(JavaClientRequests.HeartBeat(ProducerGroup, ConsumerGroup, "tax-data-topic", "BROADCASTING"), Peer, Ct);

        Assert.Equal("BROADCASTING", (await ConsumerConnectionsAsync(ConsumerGroup)).MessageModel);
    }

    [Fact]
    public async Task A_producer_group_is_not_a_consumer_connection_even_under_the_same_name()
    {
        await _clientManage.ProcessAsync(JavaClientRequests.HeartBeat(ConsumerGroup, "another-group", "tax-data-topic"), Peer, Ct);
        await _clientManage.ProcessAsync(JavaClientRequests.Unregister(consumerGroup: "another-group"), Peer, Ct);

        var answer = await _connections.ProcessAsync(JavaClientRequests.ConsumerConnections(ConsumerGroup), Peer, Ct);

        Assert.Equal(ResponseCode.ConsumerNotOnline, answer.Code);
    }

    [Fact]
    public async Task Unregistering_the_consumer_takes_it_off_its_group_and_unregistering_the_producer_does_not()
    {
        await _clientManage.ProcessAsync(JavaClientRequests.HeartBeat(ProducerGroup, ConsumerGroup, "tax-data-topic"), Peer, Ct);

        var producerGone = await _clientManage.ProcessAsync(JavaClientRequests.Unregister(producerGroup: ProducerGroup), Peer, Ct);
        var afterProducer = await _connections.ProcessAsync(JavaClientRequests.ConsumerConnections(ConsumerGroup), Peer, Ct);
        var consumerGone = await _clientManage.ProcessAsync(JavaClientRequests.Unregister(consumerGroup: ConsumerGroup), Peer, Ct);
        var afterConsumer = await _connections.ProcessAsync(JavaClientRequests.ConsumerConnections(ConsumerGroup), Peer, Ct);

        Assert.Equal(ResponseCode.Success, producerGone.Code);
        Assert.Equal(ResponseCode.Success, afterProducer.Code);
        Assert.Equal(ResponseCode.Success, consumerGone.Code);
        Assert.Equal(ResponseCode.ConsumerNotOnline, afterConsumer.Code);
    }

    [Fact]
    public async Task A_client_silent_past_the_expiry_is_no_longer_listed_and_its_next_heartbeat_lists_it_again()
    {
        await _clientManage.ProcessAsync(JavaClientRequests.HeartBeat(ProducerGroup, ConsumerGroup, "tax-data-topic"), Peer, Ct);
        _clock.Advance(ClientManager.Expiry - TimeSpan.FromSeconds(1));
        var beforeExpiry = await _connections.ProcessAsync(JavaClientRequests.ConsumerConnections(ConsumerGroup), Peer, Ct);
        _clock.Advance(TimeSpan.FromSeconds(2));
        var afterExpiry = await _connections.ProcessAsync(JavaClientRequests.ConsumerConnections(ConsumerGroup), Peer, Ct);
        await _clientManage.ProcessAsync(JavaClientRequests.HeartBeat(ProducerGroup, ConsumerGroup, "tax-data-topic"), Peer, Ct);
        var afterNextHeartbeat = await _connections.ProcessAsync(JavaClientRequests.ConsumerConnections(ConsumerGroup), Peer, Ct);

        Assert.Equal(ResponseCode.Success, beforeExpiry.Code);
        Assert.Equal(ResponseCode.ConsumerNotOnline, afterExpiry.Code);
        Assert.Equal(ResponseCode.Success, afterNextHeartbeat.Code);
    }

    [Fact]
    public async Task A_heartbeat_without_a_clientID_or_an_unregister_without_one_is_a_bad_request()
    {
        var heartbeat = RemotingCommand.Request(RequestCode.HeartBeat, body: Encoding.UTF8.GetBytes("""{"producerDataSet":[{"groupName":"g"}]}"""));

        await Assert.ThrowsAsync<RemotingProtocolException>(() => _clientManage.ProcessAsync(heartbeat, Peer, Ct).AsTask());
        await Assert.ThrowsAsync<RemotingProtocolException>(
            () => _clientManage.ProcessAsync(RemotingCommand.Request(RequestCode.UnregisterClient), Peer, Ct).AsTask());
    }

    [Fact]
    public async Task A_gRPC_client_that_terminates_leaves_every_group_it_was_listed_in()
    {
        var clients = new ClientManager(_clock);
        clients.Touch("grpc-client", ClientType.PushConsumer, ConsumerGroup, "DOTNET");
        clients.Touch("grpc-client", ClientType.Producer, group: null, "DOTNET");

        clients.Remove("grpc-client");

        Assert.Empty(clients.Online());
    }

    private async Task<ConsumerConnectionBody> ConsumerConnectionsAsync(string group)
    {
        var answer = await _connections.ProcessAsync(JavaClientRequests.ConsumerConnections(group), Peer, Ct);
        Assert.Equal(ResponseCode.Success, answer.Code);
        return answer.ReadBody<ConsumerConnectionBody>();
    }
}
