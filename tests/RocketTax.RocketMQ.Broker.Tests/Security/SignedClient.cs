using System.Globalization;
using System.Security.Cryptography;
using Encoding = System.Text.Encoding;
using Apache.Rocketmq.V2;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using RocketTax.RocketMQ.Broker.Tests.Messaging;

namespace RocketTax.RocketMQ.Broker.Tests.Security;

/// <summary>Raw MessagingService calls with the headers an official client sends, signed as it signs them (or not).</summary>
public sealed class SignedClient : IDisposable
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    private readonly GrpcChannel _channel;
    private readonly MessagingService.MessagingServiceClient _client;
    private readonly string? _accessKey;
    private readonly string? _secretKey;

    public SignedClient(string endpoint, string? accessKey, string? secretKey)
    {
        _channel = GrpcChannel.ForAddress($"http://{endpoint}");
        _client = new MessagingService.MessagingServiceClient(_channel);
        _accessKey = accessKey;
        _secretKey = secretKey;
    }

    public MessagingService.MessagingServiceClient Raw => _client;

    /// <summary>The official clients' signature: hex HMAC-SHA1 of <c>x-mq-date-time</c> under the secret key.</summary>
    public static string Authorization(string accessKey, string secretKey, string dateTime) =>
        $"MQv2-HMAC-SHA1 Credential={accessKey}, SignedHeaders=x-mq-date-time, " +
        $"Signature={Convert.ToHexStringLower(HMACSHA1.HashData(Encoding.UTF8.GetBytes(secretKey), Encoding.UTF8.GetBytes(dateTime)))}";

    public Metadata Headers()
    {
        var dateTime = DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var headers = new Metadata
        {
            { "x-mq-client-id", "signedclient@test" },
            { "x-mq-language", "JAVA" },
            { "x-mq-protocol-version", "v2" },
            { "x-mq-request-id", Guid.NewGuid().ToString() },
            { "x-mq-date-time", dateTime },
        };
        if (_accessKey is not null && _secretKey is not null)
        {
            headers.Add("authorization", Authorization(_accessKey, _secretKey, dateTime));
        }

        return headers;
    }

    public CallOptions Call(CancellationToken cancellationToken) => new(Headers(), DateTime.UtcNow + CallTimeout, cancellationToken);

    public async Task<SendMessageResponse> SendAsync(string topic, CancellationToken cancellationToken) =>
        await _client.SendMessageAsync(new SendMessageRequest { Messages = { RawBrokerClient.NewMessage(topic, """{"quarter":"2021S1"}""") } }, Call(cancellationToken));

    /// <summary>One receive; returns the first response's status and how many messages followed it.</summary>
    public async Task<(Apache.Rocketmq.V2.Status Status, int Messages)> ReceiveAsync(string group, string topic, CancellationToken cancellationToken)
    {
        var request = new ReceiveMessageRequest
        {
            Group = new Resource { Name = group },
            MessageQueue = new MessageQueue { Topic = new Resource { Name = topic }, Id = -1 },
            FilterExpression = new FilterExpression { Type = FilterType.Tag, Expression = "*" },
            BatchSize = 32,
            InvisibleDuration = Duration.FromTimeSpan(TimeSpan.FromSeconds(30)),
            LongPollingTimeout = Duration.FromTimeSpan(TimeSpan.FromSeconds(2)),
        };
        using var call = _client.ReceiveMessage(request, Call(cancellationToken));
        Apache.Rocketmq.V2.Status? status = null;
        var messages = 0;
        await foreach (var response in call.ResponseStream.ReadAllAsync(cancellationToken))
        {
            if (response.ContentCase == ReceiveMessageResponse.ContentOneofCase.Status)
            {
                status ??= response.Status;
            }
            else if (response.ContentCase == ReceiveMessageResponse.ContentOneofCase.Message)
            {
                messages++;
            }
        }

        return (status ?? throw new InvalidOperationException("the receive stream carried no status"), messages);
    }

    public void Dispose() => _channel.Dispose();
}
