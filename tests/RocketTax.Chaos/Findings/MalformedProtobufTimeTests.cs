using Apache.Rocketmq.V2;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using RocketTax.Chaos.Fuzzing;

namespace RocketTax.Chaos.Findings;

/// <summary>
/// Found by the gRPC fuzzer (seed frj9IpHS-hu1): a Duration or Timestamp that is valid protobuf but not
/// normalized (seconds and nanos of opposite signs) made the handler throw, and the client got
/// "Exception was thrown by handler" instead of a status saying what was wrong.
/// </summary>
public sealed class MalformedProtobufTimeTests(BrokerFuzzFixture fixture) : IClassFixture<BrokerFuzzFixture>
{
    private static readonly Duration NotNormalized = new() { Seconds = 893_675_112, Nanos = -147_483_648 };

    [Fact(Timeout = 60_000)]
    public async Task ChangeInvisibleDuration_with_a_malformed_duration_is_ILLEGAL_INVISIBLE_TIME()
    {
        var response = await fixture.Client.ChangeInvisibleDurationAsync(new ChangeInvisibleDurationRequest
        {
            Group = new Resource { Name = "fuzz-group" },
            Topic = new Resource { Name = BrokerFuzzFixture.Topic },
            ReceiptHandle = "x",
            MessageId = "m",
            InvisibleDuration = NotNormalized,
        }, Options());

        Assert.Equal(Code.IllegalInvisibleTime, response.Status.Code);
    }

    [Fact(Timeout = 60_000)]
    public async Task ReceiveMessage_with_a_malformed_polling_timeout_is_ILLEGAL_POLLING_TIME()
    {
        using var call = fixture.Client.ReceiveMessage(new ReceiveMessageRequest
        {
            Group = new Resource { Name = "fuzz-group" },
            MessageQueue = new MessageQueue { Topic = new Resource { Name = BrokerFuzzFixture.Topic }, Id = -1 },
            FilterExpression = new FilterExpression { Type = FilterType.Tag, Expression = "*" },
            BatchSize = 1,
            InvisibleDuration = Duration.FromTimeSpan(TimeSpan.FromSeconds(30)),
            LongPollingTimeout = NotNormalized,
        }, Options());

        Assert.True(await call.ResponseStream.MoveNext(TestContext.Current.CancellationToken));
        Assert.Equal(Code.IllegalPollingTime, call.ResponseStream.Current.Status.Code);
    }

    [Fact(Timeout = 60_000)]
    public async Task SendMessage_with_a_malformed_born_timestamp_is_BAD_REQUEST()
    {
        var response = await fixture.Client.SendMessageAsync(new SendMessageRequest
        {
            Messages =
            {
                new Apache.Rocketmq.V2.Message
                {
                    Topic = new Resource { Name = BrokerFuzzFixture.Topic },
                    Body = ByteString.CopyFromUtf8("{}"),
                    SystemProperties = new SystemProperties
                    {
                        MessageId = "malformed-born-timestamp",
                        BornTimestamp = new Timestamp { Seconds = 1, Nanos = -5 },
                        BodyEncoding = Encoding.Identity,
                        MessageType = MessageType.Normal,
                    },
                },
            },
        }, Options());

        Assert.Equal(Code.BadRequest, response.Status.Code);
    }

    private static CallOptions Options() => new(
        new Metadata { { "x-mq-client-id", "malformed-time-test" }, { "x-mq-language", "DOT_NET" }, { "x-mq-protocol-version", "v2" } },
        DateTime.UtcNow.AddSeconds(10),
        TestContext.Current.CancellationToken);
}
