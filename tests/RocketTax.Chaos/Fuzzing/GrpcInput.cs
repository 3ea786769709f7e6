using Apache.Rocketmq.V2;
using CsCheck;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace RocketTax.Chaos.Fuzzing;

/// <summary>One fuzzed gRPC call: which RPC, and the hostile values its request is built from (valid protobuf, hostile fields).</summary>
public sealed record GrpcInput(int Rpc, string Text1, string Text2, string Header, int Number, long Big, byte[] Bytes)
{
    public const int RpcCount = 8;

    public static readonly Gen<GrpcInput> Gen = CsCheck.Gen.Select(
        CsCheck.Gen.Int[0, RpcCount - 1], HostileValues.String, HostileValues.String, HostileValues.HeaderValue,
        HostileValues.Int, HostileValues.Long, HostileValues.Bytes,
        (rpc, text1, text2, header, number, big, bytes) => new GrpcInput(rpc, text1, text2, header, number, big, bytes));

    /// <summary>Makes the call; returns the status the broker answered with (the gRPC status for server streams that fail).</summary>
    public async Task<string> CallAsync(MessagingService.MessagingServiceClient client, CancellationToken cancellationToken)
    {
        var options = new CallOptions(Headers(), DateTime.UtcNow.AddSeconds(3), cancellationToken);
        var topic = new Resource { Name = Text1, ResourceNamespace = Number % 3 == 0 ? Text2 : string.Empty };
        var group = new Resource { Name = Text2 };
        switch (Rpc)
        {
            case 0:
                return (await client.QueryRouteAsync(new QueryRouteRequest { Topic = topic }, options)).Status.Code.ToString();
            case 1:
                return (await client.SendMessageAsync(new SendMessageRequest { Messages = { Message(topic) } }, options)).Status.Code.ToString();
            case 2:
                return await ReceiveAsync(client, topic, group, options);
            case 3:
                return (await client.AckMessageAsync(new AckMessageRequest
                {
                    Group = group, Topic = topic,
                    Entries = { new AckMessageEntry { MessageId = Header, ReceiptHandle = Text2 } },
                }, options)).Status.Code.ToString();
            case 4:
                return (await client.ChangeInvisibleDurationAsync(new ChangeInvisibleDurationRequest
                {
                    Group = group, Topic = topic, ReceiptHandle = Text1, MessageId = Header, InvisibleDuration = Duration(),
                }, options)).Status.Code.ToString();
            case 5:
                return (await client.HeartbeatAsync(new HeartbeatRequest { Group = group, ClientType = (ClientType)Number }, options)).Status.Code.ToString();
            case 6:
                return (await client.QueryAssignmentAsync(new QueryAssignmentRequest { Topic = topic, Group = group }, options)).Status.Code.ToString();
            default:
                return (await client.ForwardMessageToDeadLetterQueueAsync(new ForwardMessageToDeadLetterQueueRequest
                {
                    Group = group, Topic = topic, ReceiptHandle = Text1, MessageId = Header, DeliveryAttempt = Number, MaxDeliveryAttempts = (int)Big,
                }, options)).Status.Code.ToString();
        }
    }

    private async Task<string> ReceiveAsync(MessagingService.MessagingServiceClient client, Resource topic, Resource group, CallOptions options)
    {
        var request = new ReceiveMessageRequest
        {
            Group = group,
            MessageQueue = new MessageQueue { Topic = topic, Id = Number, Broker = new Broker { Name = Text2 } },
            FilterExpression = new FilterExpression { Type = (FilterType)(Number & 3), Expression = Text2 },
            BatchSize = Number,
            InvisibleDuration = Duration(),
            LongPollingTimeout = new Duration { Seconds = Math.Clamp(Big, -2, 2) },
            AutoRenew = (Number & 1) == 1,
        };
        using var call = client.ReceiveMessage(request, options);
        var first = "(no response)";
        await foreach (var response in call.ResponseStream.ReadAllAsync(options.CancellationToken))
        {
            if (response.ContentCase == ReceiveMessageResponse.ContentOneofCase.Status && first == "(no response)")
            {
                first = response.Status.Code.ToString();
            }
        }

        return first;
    }

    private Apache.Rocketmq.V2.Message Message(Resource topic) => new()
    {
        Topic = topic,
        Body = ByteString.CopyFrom(Bytes),
        UserProperties = { [Text2.Length > 0 ? Text2 : "k"] = Header },
        SystemProperties = new SystemProperties
        {
            MessageId = Header,
            Tag = Text2,
            Keys = { Text1 },
            QueueId = Number,
            BodyEncoding = (Encoding)(Number & 3),
            MessageType = (MessageType)(Big & 7),
            BornTimestamp = new Timestamp { Seconds = Big, Nanos = Number },
            BornHost = Text1,
            MessageGroup = (Number & 4) == 0 ? Text2 : string.Empty,
            DeliveryTimestamp = (Number & 8) == 0 ? null : new Timestamp { Seconds = Big, Nanos = Number },
        },
    };

    private Duration Duration() => new() { Seconds = Big, Nanos = Number % 1_000_000_000 };

    private Metadata Headers()
    {
        var headers = new Metadata { { "x-mq-language", "DOT_NET" }, { "x-mq-protocol-version", "v2" } };
        if ((Number & 16) == 0)
        {
            headers.Add("x-mq-client-id", Header.Length > 0 ? Header : "fuzz");
        }

        if ((Number & 32) != 0)
        {
            headers.Add("x-mq-date-time", Header);
            headers.Add("authorization", Header);
        }

        return headers;
    }
}
