using System.Globalization;
using RocketTax.Testing;

namespace RocketTax.RocketMQ.Client.Tests.MessageTypes;

/// <summary>
/// A name server and a broker registered with it, for typed topics and orderly groups made with mqadmin as a user
/// would. Transactions are first checked 1 s after their send (<c>transactionTimeOut</c>) and retries wait 1 s, so
/// the tests take seconds.
/// </summary>
public sealed class MessageTypesFixture : IAsyncLifetime
{
    private NameServerProcess? _nameServer;
    private BrokerProcess? _broker;

    public BrokerProcess Broker => _broker ?? throw new InvalidOperationException("The broker has not started.");

    public string Endpoint => Broker.GrpcEndpoint;

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        _nameServer = await NameServerProcess.StartNewAsync(ct);
        _broker = await BrokerProcess.StartNewAsync(new BrokerOptions
        {
            ExtraProperties = new Dictionary<string, string>
            {
                ["namesrvAddr"] = _nameServer.Address,
                ["messageDelayLevel"] = "1s 1s 1s 1s 1s 1s",
                ["minInvisibleTimeMillsForRecv"] = "1000",
                ["transactionTimeOut"] = "1000",
                ["transactionCheckInterval"] = "1000",
            },
        }, ct);
    }

    /// <summary><c>mqadmin updateTopic -b ... -t topic -a +message.type=type</c>.</summary>
    public Task CreateTopicAsync(string topic, string messageType, CancellationToken cancellationToken) =>
        AdminAsync(cancellationToken, "updateTopic", "-t", topic, "-a", $"+message.type={messageType}");

    /// <summary><c>mqadmin updateSubGroup -b ... -g group -o true -r retries</c>: an orderly group.</summary>
    public Task CreateOrderlyGroupAsync(string group, int retryMaxTimes, CancellationToken cancellationToken) =>
        AdminAsync(cancellationToken, "updateSubGroup", "-g", group, "-o", "true", "-r", retryMaxTimes.ToString(CultureInfo.InvariantCulture));

    public async ValueTask DisposeAsync()
    {
        if (_broker is not null)
        {
            await _broker.DisposeAsync();
        }

        if (_nameServer is not null)
        {
            await _nameServer.DisposeAsync();
        }
    }

    private async Task AdminAsync(CancellationToken cancellationToken, params string[] args)
    {
        var brokerAddr = $"127.0.0.1:{Broker.ListenPort.ToString(CultureInfo.InvariantCulture)}";
        var result = await MqAdmin.RunAsync(cancellationToken, null, [.. args, "-n", _nameServer!.Address, "-b", brokerAddr]);
        Assert.True(result.ExitCode == 0, $"mqadmin {string.Join(' ', args)} failed: {result}");
    }
}

/// <summary>The message-type tests share one broker; they run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class MessageTypesCollection : ICollectionFixture<MessageTypesFixture>
{
    public const string Name = "message types";
}
