using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using Apache.Rocketmq.V2;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using RocketTax.RocketMQ.Broker.Managers;
using RocketTax.RocketMQ.Broker.Tests.Messaging;
using RocketTax.RocketMQ.Remoting;
using RocketTax.Testing;

namespace RocketTax.RocketMQ.Broker.Tests.MessageTypes;

/// <summary>
/// The calls of FIFO, delayed and transactional messaging the raw client lacks: typed topics and orderly groups
/// over remoting (as mqadmin sends them), EndTransaction, RecallMessage, QueryAssignment and a Telemetry stream.
/// </summary>
public sealed class MessageTypesClient : IAsyncDisposable
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    private readonly BrokerProcess _broker;
    private readonly GrpcChannel _channel;
    private readonly MessagingService.MessagingServiceClient _client;
    private readonly RemotingClient _remoting = new();
    private readonly string _clientId;

    /// <summary>A client of <paramref name="broker"/>, over <paramref name="channel"/> (disposed with the client) or plaintext gRPC.</summary>
    public MessageTypesClient(BrokerProcess broker, string clientId = "message-types@test", GrpcChannel? channel = null)
    {
        _broker = broker;
        _clientId = clientId;
        _channel = channel ?? GrpcChannel.ForAddress($"http://{broker.GrpcEndpoint}");
        _client = new MessagingService.MessagingServiceClient(_channel);
    }

    public string RemotingAddress => $"127.0.0.1:{_broker.ListenPort.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Creates or updates a topic with a message type, as <c>mqadmin updateTopic -a +message.type=...</c> does.</summary>
    public async Task CreateTopicAsync(string topic, string messageType, int queues, CancellationToken cancellationToken)
    {
        var request = RemotingCommand.Request(RequestCode.UpdateAndCreateTopic, new Dictionary<string, string>
        {
            ["topic"] = topic,
            ["readQueueNums"] = queues.ToString(CultureInfo.InvariantCulture),
            ["writeQueueNums"] = queues.ToString(CultureInfo.InvariantCulture),
            ["perm"] = "6",
            ["attributes"] = $"+message.type={messageType}",
        });
        var response = await _remoting.InvokeAsync(RemotingAddress, request, CallTimeout, cancellationToken);
        Assert.True(response.Code == ResponseCode.Success, $"creating {topic}: {response.Remark}");
    }

    /// <summary>Makes a group orderly (or not), as <c>mqadmin updateSubGroup -o true -r n</c> does.</summary>
    public async Task UpdateGroupAsync(string group, bool orderly, int retryMaxTimes, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(
            new SubscriptionGroupConfig { GroupName = group, ConsumeMessageOrderly = orderly, RetryMaxTimes = retryMaxTimes }, RemotingJson.Options);
        var response = await _remoting.InvokeAsync(RemotingAddress, RemotingCommand.Request(SubscriptionGroupAdminProcessor.UpdateAndCreateSubscriptionGroup, body: body), CallTimeout, cancellationToken);
        Assert.True(response.Code == ResponseCode.Success, $"updating {group}: {response.Remark}");
    }

    public static Message Fifo(string topic, string group, string body)
    {
        var message = RawBrokerClient.NewMessage(topic, body);
        message.SystemProperties.MessageType = MessageType.Fifo;
        message.SystemProperties.MessageGroup = group;
        return message;
    }

    public static Message Delayed(string topic, string body, DateTimeOffset at)
    {
        var message = RawBrokerClient.NewMessage(topic, body);
        message.SystemProperties.MessageType = MessageType.Delay;
        message.SystemProperties.DeliveryTimestamp = Timestamp.FromDateTimeOffset(at);
        return message;
    }

    public static Message Transactional(string topic, string body)
    {
        var message = RawBrokerClient.NewMessage(topic, body);
        message.SystemProperties.MessageType = MessageType.Transaction;
        return message;
    }

    public async Task<EndTransactionResponse> EndTransactionAsync(
        string topic, string messageId, string transactionId, TransactionResolution resolution, CancellationToken cancellationToken,
        TransactionSource source = TransactionSource.SourceClient) =>
        await _client.EndTransactionAsync(
            new EndTransactionRequest
            {
                Topic = new Resource { Name = topic },
                MessageId = messageId,
                TransactionId = transactionId,
                Resolution = resolution,
                Source = source,
            },
            Headers(), DateTime.UtcNow + CallTimeout, cancellationToken);

    public async Task<RecallMessageResponse> RecallAsync(string topic, string recallHandle, CancellationToken cancellationToken) =>
        await _client.RecallMessageAsync(
            new RecallMessageRequest { Topic = new Resource { Name = topic }, RecallHandle = recallHandle }, Headers(), DateTime.UtcNow + CallTimeout, cancellationToken);

    public async Task<QueryAssignmentResponse> QueryAssignmentAsync(string topic, string group, CancellationToken cancellationToken) =>
        await _client.QueryAssignmentAsync(
            new QueryAssignmentRequest
            {
                Topic = new Resource { Name = topic },
                Group = new Resource { Name = group },
                Endpoints = new Endpoints { Scheme = AddressScheme.Ipv4, Addresses = { new Address { Host = "127.0.0.1", Port = _broker.GrpcPort } } },
            },
            Headers(), DateTime.UtcNow + CallTimeout, cancellationToken);

    /// <summary>Opens a Telemetry stream, sends <paramref name="settings"/> and returns the stream with every command the broker pushes.</summary>
    public async Task<TelemetryStream> OpenTelemetryAsync(Settings settings, CancellationToken cancellationToken)
    {
        var call = _client.Telemetry(Headers(), cancellationToken: cancellationToken);
        var stream = new TelemetryStream(call);
        await call.RequestStream.WriteAsync(new TelemetryCommand { Settings = settings }, cancellationToken);
        return stream;
    }

    public async ValueTask DisposeAsync()
    {
        await _remoting.DisposeAsync();
        _channel.Dispose();
    }

    private Metadata Headers() => new()
    {
        { "x-mq-language", "DOT_NET" },
        { "x-mq-protocol-version", "v2" },
        { "x-mq-client-id", _clientId },
        { "x-mq-date-time", DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) },
    };

    /// <summary>An open Telemetry call; <see cref="Commands"/> yields what the broker sends on it.</summary>
    public sealed class TelemetryStream : IAsyncDisposable
    {
        private readonly AsyncDuplexStreamingCall<TelemetryCommand, TelemetryCommand> _call;
        private readonly Channel<TelemetryCommand> _commands = Channel.CreateUnbounded<TelemetryCommand>();
        private readonly Task _reader;

        public TelemetryStream(AsyncDuplexStreamingCall<TelemetryCommand, TelemetryCommand> call)
        {
            _call = call;
            _reader = Task.Run(async () =>
            {
                try
                {
                    await foreach (var command in call.ResponseStream.ReadAllAsync())
                    {
                        await _commands.Writer.WriteAsync(command);
                    }
                }
                catch (RpcException)
                {
                    // The stream ended with the test.
                }
                finally
                {
                    _commands.Writer.TryComplete();
                }
            });
        }

        public ChannelReader<TelemetryCommand> Commands => _commands.Reader;

        /// <summary>The next command of <paramref name="kind"/>, skipping others, within <paramref name="within"/>.</summary>
        public async Task<TelemetryCommand> NextAsync(TelemetryCommand.CommandOneofCase kind, TimeSpan within, CancellationToken cancellationToken)
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(within);
            while (true)
            {
                var command = await _commands.Reader.ReadAsync(deadline.Token);
                if (command.CommandCase == kind)
                {
                    return command;
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _call.RequestStream.CompleteAsync();
            _call.Dispose();
            await _reader;
        }
    }
}
