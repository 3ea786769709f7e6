using Apache.Rocketmq.V2;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using RocketTax.RocketMQ.Broker.Grpc;
using RocketTax.RocketMQ.Broker.Grpc.Handlers;
using RocketTax.RocketMQ.Broker.Managers;
using RocketTax.RocketMQ.Broker.Security;
using RocketTax.RocketMQ.Broker.Store;
using RocketTax.RocketMQ.Broker.Tests.Store;

namespace RocketTax.RocketMQ.Broker.Tests.PullConsumers;

/// <summary>
/// A 5.x pull consumer's RPCs (UpdateOffset, GetOffset, QueryOffset, PullMessage) on the same offsets and queues as a
/// 4.x consumer's remoting requests. The handlers run in process over a real store.
/// </summary>
public sealed class GrpcOffsetAndPullTests : MessageStoreTestBase
{
    private const string TaxTopic = "tax-data-topic";
    private static readonly ClientMetadata Client = new("pull-consumer@test", "JAVA", "5.0.7", null, "127.0.0.1:50000");
    private static readonly Resource Group = new() { Name = "province-pull-group" };
    private static readonly MessageQueue Queue = new() { Topic = new Resource { Name = TaxTopic }, Id = 0 };

    [Fact]
    public async Task A_committed_offset_is_read_back_by_GetOffset_and_by_a_4x_offset_query_and_a_group_that_never_committed_gets_OFFSET_NOT_FOUND()
    {
        await using var services = await StartAsync();
        var updated = services.GetRequiredService<UpdateOffsetHandler>().Handle(new UpdateOffsetRequest { Group = Group, MessageQueue = Queue, Offset = 2 }, Client);

        var read = services.GetRequiredService<GetOffsetHandler>().Handle(new GetOffsetRequest { Group = Group, MessageQueue = Queue }, Client);
        var other = services.GetRequiredService<GetOffsetHandler>().Handle(
            new GetOffsetRequest { Group = new Resource { Name = "another-group" }, MessageQueue = Queue }, Client);

        Assert.Equal(Code.Ok, updated.Status.Code);
        Assert.Equal(Code.Ok, read.Status.Code);
        Assert.Equal(2, read.Offset);
        Assert.Equal(2, services.GetRequiredService<ConsumerOffsetManager>().Query(new(Group.Name, TaxTopic, 0)));
        Assert.Equal(Code.OffsetNotFound, other.Status.Code);
    }

    [Fact]
    public async Task QueryOffset_answers_the_queues_beginning_end_and_the_offset_at_a_time()
    {
        await using var services = await StartAsync("report 1", "report 2", "report 3");
        var handler = services.GetRequiredService<QueryOffsetHandler>();
        var afterLast = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(1));

        var beginning = handler.Handle(new QueryOffsetRequest { MessageQueue = Queue, QueryOffsetPolicy = QueryOffsetPolicy.Beginning }, Client);
        var end = handler.Handle(new QueryOffsetRequest { MessageQueue = Queue, QueryOffsetPolicy = QueryOffsetPolicy.End }, Client);
        var later = handler.Handle(new QueryOffsetRequest { MessageQueue = Queue, QueryOffsetPolicy = QueryOffsetPolicy.Timestamp, Timestamp = afterLast }, Client);
        var unknown = handler.Handle(new QueryOffsetRequest { MessageQueue = new MessageQueue { Topic = new Resource { Name = "no-such-topic" } } }, Client);

        Assert.Equal((Code.Ok, 0L), (beginning.Status.Code, beginning.Offset));
        Assert.Equal((Code.Ok, 3L), (end.Status.Code, end.Offset));
        Assert.Equal((Code.Ok, 3L), (later.Status.Code, later.Offset));
        Assert.Equal(Code.TopicNotFound, unknown.Status.Code);
    }

    [Fact]
    public async Task PullMessage_streams_a_status_the_messages_from_the_offset_and_the_next_offset()
    {
        await using var services = await StartAsync("report 1", "report 2", "report 3");
        var stream = new CollectingStream();

        await services.GetRequiredService<PullMessageHandler>().HandleAsync(
            new PullMessageRequest { Group = Group, MessageQueue = Queue, Offset = 1, BatchSize = 10 }, stream, Client, DateTime.MaxValue, Ct);

        Assert.Equal(Code.Ok, stream.Responses[0].Status.Code);
        Assert.Equal(["report 2", "report 3"], stream.Responses.Where(r => r.ContentCase == PullMessageResponse.ContentOneofCase.Message)
            .Select(r => r.Message.Body.ToStringUtf8()));
        Assert.Equal(3, stream.Responses[^1].NextOffset);
    }

    [Fact]
    public async Task PullMessage_at_the_end_waits_its_long_polling_time_then_answers_MESSAGE_NOT_FOUND_with_the_same_next_offset()
    {
        await using var services = await StartAsync("report 1");
        var stream = new CollectingStream();
        var clock = System.Diagnostics.Stopwatch.StartNew();

        await services.GetRequiredService<PullMessageHandler>().HandleAsync(
            new PullMessageRequest { Group = Group, MessageQueue = Queue, Offset = 1, BatchSize = 10, LongPollingTimeout = Duration.FromTimeSpan(TimeSpan.FromMilliseconds(300)) },
            stream, Client, DateTime.MaxValue, Ct).WaitAsync(Timeout, Ct);

        Assert.Equal(Code.MessageNotFound, stream.Responses[0].Status.Code);
        Assert.Equal(1, stream.Responses[^1].NextOffset);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(290), $"answered after {clock.Elapsed}, before its long polling time");
    }

    [Fact]
    public void Under_ACL_pulling_and_getting_or_updating_an_offset_need_SUB_on_topic_and_group_and_querying_a_queue_SUB_on_the_topic()
    {
        AccessRequirement[] consume =
        [
            new(AclResourceKind.Topic, TaxTopic, AclPermission.Sub), new(AclResourceKind.Group, Group.Name, AclPermission.Sub),
        ];

        Assert.Equal(consume, AccessRequirement.Of(new PullMessageRequest { Group = Group, MessageQueue = Queue }));
        Assert.Equal(consume, AccessRequirement.Of(new UpdateOffsetRequest { Group = Group, MessageQueue = Queue }));
        Assert.Equal(consume, AccessRequirement.Of(new GetOffsetRequest { Group = Group, MessageQueue = Queue }));
        Assert.Equal([consume[0]], AccessRequirement.Of(new QueryOffsetRequest { MessageQueue = Queue }));
    }

    private async Task<ServiceProvider> StartAsync(params string[] bodies)
    {
        var store = await OpenAsync();
        var services = BrokerServices(store);
        services.GetRequiredService<TopicManager>().GetOrAutoCreate(TaxTopic);
        if (bodies.Length > 0)
        {
            await PutAllAsync(store, [.. bodies.Select(body => Message(TaxTopic, 0, body))]);
        }

        return services;
    }

    private sealed class CollectingStream : IServerStreamWriter<PullMessageResponse>
    {
        public List<PullMessageResponse> Responses { get; } = [];

        public WriteOptions? WriteOptions { get; set; }

        public Task WriteAsync(PullMessageResponse message)
        {
            Responses.Add(message);
            return Task.CompletedTask;
        }

        public Task WriteAsync(PullMessageResponse message, CancellationToken cancellationToken) => WriteAsync(message);
    }
}
