using Apache.Rocketmq.V2;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;

namespace RocketTax.RocketMQ.Broker.Tests.Messaging;

/// <summary>
/// Speaks the raw MessagingService protocol, request by request, so tests can send exactly the
/// (sometimes hostile) fields they mean to and read the status the broker answers.
/// </summary>
public sealed class RawBrokerClient : IDisposable
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    private readonly GrpcChannel _channel;
    private readonly MessagingService.MessagingServiceClient _client;
    private readonly string? _clientId;

    public RawBrokerClient(string endpoint, string? clientId = "rawclient@test")
        : this(GrpcChannel.ForAddress($"http://{endpoint}"), clientId)
    {
    }

    /// <summary>A client over <paramref name="channel"/> (a TLS one, say), which it disposes with itself.</summary>
    public RawBrokerClient(GrpcChannel channel, string? clientId = "rawclient@test")
    {
        _channel = channel;
        _client = new MessagingService.MessagingServiceClient(_channel);
        _clientId = clientId;
    }

    public static Message NewMessage(string topic, string body, string? tag = "2021S1", string? messageId = null, params string[] keys)
    {
        var system = new SystemProperties
        {
            MessageId = messageId ?? Guid.NewGuid().ToString("N").ToUpperInvariant(),
            BornTimestamp = Timestamp.FromDateTime(DateTime.UtcNow),
            BornHost = "127.0.0.1",
            MessageType = MessageType.Normal,
            BodyEncoding = Encoding.Identity,
            QueueId = -1,
        };
        system.Keys.AddRange(keys);
        if (tag is not null)
        {
            system.Tag = tag;
        }

        return new Message { Topic = new Resource { Name = topic }, SystemProperties = system, Body = ByteString.CopyFromUtf8(body) };
    }

    public async Task<SendMessageResponse> SendAsync(CancellationToken cancellationToken, params Message[] messages)
    {
        var request = new SendMessageRequest();
        request.Messages.AddRange(messages);
        return await _client.SendMessageAsync(request, Headers(), Deadline(), cancellationToken);
    }

    public async Task<QueryRouteResponse> QueryRouteAsync(string topic, CancellationToken cancellationToken) =>
        await _client.QueryRouteAsync(new QueryRouteRequest { Topic = new Resource { Name = topic } }, Headers(), Deadline(), cancellationToken);

    /// <summary>One ReceiveMessage call; returns the status and the messages streamed back.</summary>
    public async Task<(Apache.Rocketmq.V2.Status Status, IReadOnlyList<Message> Messages)> ReceiveAsync(
        string group, string topic, string filter, TimeSpan invisible, TimeSpan longPolling, CancellationToken cancellationToken,
        int batchSize = 32, FilterType filterType = FilterType.Tag)
    {
        var request = new ReceiveMessageRequest
        {
            Group = new Resource { Name = group },
            MessageQueue = new MessageQueue { Topic = new Resource { Name = topic }, Id = -1 },
            FilterExpression = new FilterExpression { Type = filterType, Expression = filter },
            BatchSize = batchSize,
            InvisibleDuration = Duration.FromTimeSpan(invisible),
            LongPollingTimeout = Duration.FromTimeSpan(longPolling),
        };
        using var call = _client.ReceiveMessage(request, Headers(), DateTime.UtcNow + longPolling + CallTimeout, cancellationToken);
        Apache.Rocketmq.V2.Status? status = null;
        var messages = new List<Message>();
        await foreach (var response in call.ResponseStream.ReadAllAsync(cancellationToken))
        {
            switch (response.ContentCase)
            {
                case ReceiveMessageResponse.ContentOneofCase.Status:
                    status = response.Status;
                    break;
                case ReceiveMessageResponse.ContentOneofCase.Message:
                    messages.Add(response.Message);
                    break;
            }
        }

        return (status ?? throw new InvalidOperationException("the broker streamed no status"), messages);
    }

    /// <summary>Receives until <paramref name="count"/> messages arrived or <paramref name="within"/> passed.</summary>
    public async Task<IReadOnlyList<Message>> ReceiveAtLeastAsync(
        string group, string topic, int count, TimeSpan invisible, TimeSpan within, CancellationToken cancellationToken)
    {
        var received = new List<Message>();
        var deadline = DateTime.UtcNow + within;
        while (received.Count < count && DateTime.UtcNow < deadline)
        {
            var (_, messages) = await ReceiveAsync(group, topic, "*", invisible, TimeSpan.FromSeconds(2), cancellationToken);
            received.AddRange(messages);
        }

        return received;
    }

    public async Task<AckMessageResponse> AckAsync(string group, string topic, IEnumerable<Message> messages, CancellationToken cancellationToken)
    {
        var request = new AckMessageRequest { Group = new Resource { Name = group }, Topic = new Resource { Name = topic } };
        foreach (var message in messages)
        {
            request.Entries.Add(new AckMessageEntry { MessageId = message.SystemProperties.MessageId, ReceiptHandle = message.SystemProperties.ReceiptHandle });
        }

        return await _client.AckMessageAsync(request, Headers(), Deadline(), cancellationToken);
    }

    public async Task<AckMessageResponse> AckAsync(string group, string topic, string messageId, string receiptHandle, CancellationToken cancellationToken)
    {
        var request = new AckMessageRequest { Group = new Resource { Name = group }, Topic = new Resource { Name = topic } };
        request.Entries.Add(new AckMessageEntry { MessageId = messageId, ReceiptHandle = receiptHandle });
        return await _client.AckMessageAsync(request, Headers(), Deadline(), cancellationToken);
    }

    public async Task<ChangeInvisibleDurationResponse> ChangeInvisibleDurationAsync(
        string group, Message message, TimeSpan invisible, CancellationToken cancellationToken) =>
        await _client.ChangeInvisibleDurationAsync(
            new ChangeInvisibleDurationRequest
            {
                Group = new Resource { Name = group },
                Topic = message.Topic,
                MessageId = message.SystemProperties.MessageId,
                ReceiptHandle = message.SystemProperties.ReceiptHandle,
                InvisibleDuration = Duration.FromTimeSpan(invisible),
            },
            Headers(), Deadline(), cancellationToken);

    public async Task<ForwardMessageToDeadLetterQueueResponse> ForwardToDeadLetterQueueAsync(string group, Message message, CancellationToken cancellationToken) =>
        await _client.ForwardMessageToDeadLetterQueueAsync(
            new ForwardMessageToDeadLetterQueueRequest
            {
                Group = new Resource { Name = group },
                Topic = message.Topic,
                MessageId = message.SystemProperties.MessageId,
                ReceiptHandle = message.SystemProperties.ReceiptHandle,
                DeliveryAttempt = message.SystemProperties.DeliveryAttempt,
            },
            Headers(), Deadline(), cancellationToken);

    public void Dispose() => _channel.Dispose();

    public async Task<UpdateOffsetResponse> UpdateOffsetAsync(string group, string topic, int queueId, long offset, CancellationToken cancellationToken) =>
        await _client.UpdateOffsetAsync(
            new UpdateOffsetRequest { Group = new Resource { Name = group }, MessageQueue = Queue(topic, queueId), Offset = offset },
            Headers(), Deadline(), cancellationToken);

    public async Task<GetOffsetResponse> GetOffsetAsync(string group, string topic, int queueId, CancellationToken cancellationToken) =>
        await _client.GetOffsetAsync(
            new GetOffsetRequest { Group = new Resource { Name = group }, MessageQueue = Queue(topic, queueId) }, Headers(), Deadline(), cancellationToken);

    /// <summary>PullMessage: the stream's status, messages and next offset.</summary>
    public async Task<(Apache.Rocketmq.V2.Status Status, IReadOnlyList<Message> Messages, long NextOffset)> PullAsync(
        string group, string topic, int queueId, long offset, CancellationToken cancellationToken)
    {
        var request = new PullMessageRequest
        {
            Group = new Resource { Name = group }, MessageQueue = Queue(topic, queueId), Offset = offset, BatchSize = 32,
            LongPollingTimeout = Duration.FromTimeSpan(TimeSpan.Zero),
        };
        using var call = _client.PullMessage(request, Headers(), Deadline(), cancellationToken);
        Apache.Rocketmq.V2.Status? status = null;
        var messages = new List<Message>();
        long next = -1;
        await foreach (var response in call.ResponseStream.ReadAllAsync(cancellationToken))
        {
            switch (response.ContentCase)
            {
                case PullMessageResponse.ContentOneofCase.Status: status = response.Status; break;
                case PullMessageResponse.ContentOneofCase.Message: messages.Add(response.Message); break;
                case PullMessageResponse.ContentOneofCase.NextOffset: next = response.NextOffset; break;
            }
        }

        return (status ?? throw new InvalidOperationException("the pull stream carried no status"), messages, next);
    }

    private static MessageQueue Queue(string topic, int queueId) => new() { Topic = new Resource { Name = topic }, Id = queueId };

    private static DateTime Deadline() => DateTime.UtcNow + CallTimeout;

    private Metadata Headers()
    {
        var headers = new Metadata
        {
            { "x-mq-language", "DOT_NET" },
            { "x-mq-protocol-version", "v2" },
            { "x-mq-date-time", DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture) },
        };
        if (_clientId is not null)
        {
            headers.Add("x-mq-client-id", _clientId);
        }

        return headers;
    }

    public static string BodyOf(Message message) => message.Body.ToString(System.Text.Encoding.UTF8);
}
