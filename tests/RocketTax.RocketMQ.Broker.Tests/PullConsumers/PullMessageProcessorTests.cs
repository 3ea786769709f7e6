using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RocketTax.RocketMQ.Broker.Cluster;
using RocketTax.RocketMQ.Broker.Hosting;
using RocketTax.RocketMQ.Broker.Managers;
using RocketTax.RocketMQ.Broker.Managers.Filtering;
using RocketTax.RocketMQ.Broker.Managers.Pull;
using RocketTax.RocketMQ.Broker.Managers.Timer;
using RocketTax.RocketMQ.Broker.Remoting;
using RocketTax.RocketMQ.Broker.Store;
using RocketTax.RocketMQ.Broker.Tests.Remoting;
using RocketTax.RocketMQ.Broker.Tests.Security;
using RocketTax.RocketMQ.Broker.Tests.Store;
using RocketTax.RocketMQ.Remoting;
using RocketTax.RocketMQ.Remoting.Body;
using RocketTax.RocketMQ.Remoting.Messages;
using RocketTax.Testing;
using static RocketTax.RocketMQ.Broker.Tests.PullConsumers.PullConsumerRequests;

namespace RocketTax.RocketMQ.Broker.Tests.PullConsumers;

/// <summary>
/// A 4.x consumer reading a queue by offset over the remoting port: where a new group starts, pulls that find messages,
/// wait for them, or are told to move; offsets committed and kept across a restart; filters; ACL; failed messages sent back
/// for a delayed retry on the group's retry topic, and to its DLQ past their retries. The broker's layers
/// run in process over a real store behind a real remoting server, and a <see cref="RemotingClient"/> plays the consumer.
/// </summary>
public sealed class PullMessageProcessorTests : MessageStoreTestBase
{
    private const string TaxTopic = "tax-data-topic";
    private const string RetryTopic = "%RETRY%" + Group;
    private const string DeadLetterTopic = "%DLQ%" + Group;

    [Fact]
    public async Task A_new_group_on_a_new_queue_starts_at_offset_0_and_its_pull_finds_the_messages_in_order()
    {
        await using var broker = await StartAsync();
        await broker.PutAsync(TaxTopic, "report 1", "report 2", "report 3");

        var start = await broker.InvokeAsync(QueryOffset(TaxTopic));
        var pulled = await broker.InvokeAsync(Pull(TaxTopic, Offset(start)));

        Assert.Equal(ResponseCode.Success, start.Code);
        Assert.Equal(0, Offset(start));
        Assert.Equal(ResponseCode.Success, pulled.Code);
        var messages = MessageExtCodec.DecodeAll(pulled.Body);
        Assert.Equal(["report 1", "report 2", "report 3"], messages.Select(m => Encoding.UTF8.GetString(m.Body.Span)));
        Assert.Equal([0L, 1L, 2L], messages.Select(m => m.QueueOffset));
        Assert.All(messages, m => Assert.Equal(TaxTopic, m.Topic));
        Assert.Equal(3, Offset(pulled, "nextBeginOffset"));
        Assert.Equal(0, Offset(pulled, "minOffset"));
        Assert.Equal(3, Offset(pulled, "maxOffset"));
    }

    [Fact]
    public async Task A_new_group_is_told_QUERY_NOT_FOUND_once_the_commit_log_is_past_what_stays_in_memory_and_picks_its_start_from_min_or_max()
    {
        await using var broker = await StartAsync(inMemoryBytes: 0);
        await broker.PutAsync(TaxTopic, "report 1", "report 2");

        var start = await broker.InvokeAsync(QueryOffset(TaxTopic));
        var last = await broker.InvokeAsync(QueueOffset(RequestCode.GetMaxOffset, TaxTopic));
        var first = await broker.InvokeAsync(QueueOffset(RequestCode.GetMinOffset, TaxTopic));

        Assert.Equal(ResponseCode.QueryNotFound, start.Code);
        Assert.Equal(2, Offset(last));
        Assert.Equal(0, Offset(first));
    }

    [Fact]
    public async Task A_pull_from_a_committed_offset_returns_only_the_messages_after_it_and_a_pull_can_commit_the_offset_itself()
    {
        await using var broker = await StartAsync();
        await broker.PutAsync(TaxTopic, "report 1", "report 2", "report 3");

        var update = await broker.InvokeAsync(UpdateOffset(TaxTopic, 2));
        var committed = await broker.InvokeAsync(QueryOffset(TaxTopic));
        var pulled = await broker.InvokeAsync(Pull(TaxTopic, Offset(committed), commitOffset: 3));
        var afterPull = await broker.InvokeAsync(QueryOffset(TaxTopic));

        Assert.Equal(ResponseCode.Success, update.Code);
        Assert.Equal(2, Offset(committed));
        Assert.Equal(["report 3"], Bodies(pulled));
        Assert.Equal(3, Offset(afterPull));
    }

    [Fact]
    public async Task A_committed_offset_survives_a_broker_restart()
    {
        var broker = await StartAsync();
        await broker.PutAsync(TaxTopic, "report 1", "report 2");
        await broker.InvokeAsync(UpdateOffset(TaxTopic, 1));
        await broker.DisposeAsync();
        await CloseAsync(broker.Store);

        await using var restarted = await StartAsync();
        var committed = await restarted.InvokeAsync(QueryOffset(TaxTopic));
        var pulled = await restarted.InvokeAsync(Pull(TaxTopic, Offset(committed)));

        Assert.Equal(1, Offset(committed));
        Assert.Equal(["report 2"], Bodies(pulled));
    }

    [Fact]
    public async Task A_suspended_pull_at_the_end_of_the_queue_is_answered_as_soon_as_a_message_arrives()
    {
        await using var broker = await StartAsync();
        await broker.PutAsync(TaxTopic, "report 1");
        var arrivals = broker.Services.GetRequiredService<QueueArrivals>();
        var clock = Stopwatch.StartNew();

        var waiting = broker.InvokeAsync(Pull(TaxTopic, 1, suspendMillis: 20_000), TimeSpan.FromSeconds(30));
        await Eventually.TrueAsync(() => arrivals.IsAwaited(TaxTopic, 0), Timeout, "the pull waiting at the end of the queue", Ct);
        await broker.PutAsync(TaxTopic, "report 2");
        var answer = await waiting;

        Assert.Equal(ResponseCode.Success, answer.Code);
        Assert.Equal(["report 2"], Bodies(answer));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the pull was answered after {clock.Elapsed}, not when the message arrived");
    }

    [Fact]
    public async Task A_suspended_pull_with_nothing_arriving_is_answered_PULL_NOT_FOUND_after_its_timeout()
    {
        await using var broker = await StartAsync();
        await broker.PutAsync(TaxTopic, "report 1");
        var clock = Stopwatch.StartNew();

        var answer = await broker.InvokeAsync(Pull(TaxTopic, 1, suspendMillis: 300));

        Assert.Equal(ResponseCode.PullNotFound, answer.Code);
        Assert.Equal(1, Offset(answer, "nextBeginOffset"));
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(290), $"answered after {clock.Elapsed}, before the 300 ms suspend");
    }

    [Fact]
    public async Task A_pull_outside_the_queue_is_answered_PULL_OFFSET_MOVED_with_where_to_go()
    {
        await using var broker = await StartAsync(segmentSize: 4096);
        var topics = broker.Services.GetRequiredService<TopicManager>();
        topics.GetOrAutoCreate(TaxTopic);
        // Enough 1 KiB messages to fill several segments, then retention drops the older ones.
        await PutAllAsync(broker.Store, [.. Enumerable.Range(0, 12).Select(i => SizedMessage(TaxTopic, 0, i, 1024))]);
        await broker.Store.DeleteExpiredSegmentsAsync(TimeSpan.Zero, Ct);
        var min = broker.Store.GetMinOffset(TaxTopic, 0);
        Assert.True(min > 0, "retention deleted no segment");

        var below = await broker.InvokeAsync(Pull(TaxTopic, 0));
        var beyond = await broker.InvokeAsync(Pull(TaxTopic, 100));

        Assert.Equal(ResponseCode.PullOffsetMoved, below.Code);
        Assert.Equal(min, Offset(below, "nextBeginOffset"));
        Assert.Equal(min, Offset(below, "minOffset"));
        Assert.Equal(ResponseCode.PullOffsetMoved, beyond.Code);
        Assert.Equal(12, Offset(beyond, "nextBeginOffset"));
        Assert.Equal(12, Offset(beyond, "maxOffset"));
    }

    [Fact]
    public async Task A_tag_filter_returns_only_matching_messages_and_a_scan_that_matched_nothing_says_pull_again_from_past_it()
    {
        await using var broker = await StartAsync();
        await broker.PutTaggedAsync(TaxTopic, ("2021S1", "s1 report"), ("2021S2", "s2 report"), ("2021S1", "another s1 report"));

        var s1 = await broker.InvokeAsync(Pull(TaxTopic, 0, "2021S1"));
        var none = await broker.InvokeAsync(Pull(TaxTopic, 0, "2022S1"));

        Assert.Equal(["s1 report", "another s1 report"], Bodies(s1));
        Assert.Equal(ResponseCode.PullRetryImmediately, none.Code);
        Assert.Equal(3, Offset(none, "nextBeginOffset"));
    }

    [Fact]
    public async Task Pulls_sending_the_same_expression_share_one_parsed_filter()
    {
        await using var broker = await StartAsync();
        await broker.PutTaggedAsync(TaxTopic, ("2021S1", "s1 report"), ("2021S2", "s2 report"));

        var first = await broker.InvokeAsync(Pull(TaxTopic, 0, "2021S1||2021S3"));
        var second = await broker.InvokeAsync(Pull(TaxTopic, 0, "2021S1||2021S3"));

        Assert.Equal(["s1 report"], Bodies(first));
        Assert.Equal(["s1 report"], Bodies(second));
        Assert.Equal(1, broker.Services.GetRequiredService<MessageFilterCache>().Count);
    }

    [Fact]
    public async Task A_push_consumers_pull_without_an_expression_is_filtered_by_its_groups_heartbeat_and_refused_without_one()
    {
        await using var broker = await StartAsync();
        await broker.PutTaggedAsync(TaxTopic, ("2021S1", "s1 report"), ("2021S2", "s2 report"));

        var beforeHeartbeat = await broker.InvokeAsync(PushConsumerPull(TaxTopic, 0));
        var heartbeat = JavaClientRequests.HeartBeat("city-tax-producer", Group, TaxTopic);
        heartbeat.Body = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(heartbeat.Body!).Replace("\"subString\":\"*\"", "\"subString\":\"2021S2\"", StringComparison.Ordinal));
        await broker.InvokeAsync(heartbeat);
        var afterHeartbeat = await broker.InvokeAsync(PushConsumerPull(TaxTopic, 0));
        var consumers = await broker.InvokeAsync(RemotingCommand.Request(RequestCode.GetConsumerListByGroup, new Dictionary<string, string> { ["consumerGroup"] = Group }));

        Assert.Equal(ResponseCode.SubscriptionNotExist, beforeHeartbeat.Code);
        Assert.Equal(["s2 report"], Bodies(afterHeartbeat));
        Assert.Equal([JavaClientRequests.ClientId], consumers.ReadBody<ConsumerListBody>().ConsumerIdList);
    }

    [Fact]
    public async Task Searching_by_timestamp_finds_the_first_message_stored_at_or_after_it()
    {
        await using var broker = await StartAsync();
        await broker.PutAsync(TaxTopic, "report 1", "report 2");
        var stored = broker.Store.ReadMessage(ReadEntries(broker.Store, TaxTopic, 0)[1])!.StoreTimestamp;

        var atSecond = await broker.InvokeAsync(QueueOffset(RequestCode.SearchOffsetByTimestamp, TaxTopic, stored));
        var later = await broker.InvokeAsync(QueueOffset(RequestCode.SearchOffsetByTimestamp, TaxTopic, stored + 60_000));
        var earlier = await broker.InvokeAsync(QueueOffset(RequestCode.SearchOffsetByTimestamp, TaxTopic, 0));

        Assert.InRange(Offset(atSecond), 0, 1); // both may share the millisecond
        Assert.Equal(2, Offset(later));
        Assert.Equal(0, Offset(earlier));
    }

    [Fact]
    public async Task Consumer_progress_shows_the_offset_a_pulling_group_committed()
    {
        await using var broker = await StartAsync();
        await broker.PutAsync(TaxTopic, "report 1", "report 2", "report 3");
        await broker.InvokeAsync(UpdateOffset(TaxTopic, 2));

        var stats = await broker.InvokeAsync(RemotingCommand.Request(RequestCode.GetConsumeStats, new Dictionary<string, string> { ["consumerGroup"] = Group }));

        var queue = Assert.Single(stats.ReadBody<ConsumeStatsBody>().OffsetTable);
        Assert.Equal(3, queue.Value.BrokerOffset);
        Assert.Equal(2, queue.Value.ConsumerOffset);
    }

    [Fact]
    public async Task Under_ACL_a_pull_needs_SUB_on_its_topic_and_its_group()
    {
        await using var broker = await StartAsync(aclEnable: true);
        await broker.PutAsync(TaxTopic, "report 1");
        broker.Services.GetRequiredService<TopicManager>().GetOrAutoCreate("secret-topic");
        await using var reporter = new RemotingClient { Credentials = new(AclBrokerFixture.Reporter, AclBrokerFixture.ReporterSecret) };

        var allowed = await reporter.InvokeAsync(broker.Address, Pull(TaxTopic, 0), Timeout, Ct);
        var otherTopic = await reporter.InvokeAsync(broker.Address, Pull("secret-topic", 0), Timeout, Ct);
        var otherGroup = await reporter.InvokeAsync(broker.Address, Pull(TaxTopic, 0, group: "someone-elses-group"), Timeout, Ct);
        var commitOtherGroup = await reporter.InvokeAsync(broker.Address, UpdateOffset(TaxTopic, 1, group: "someone-elses-group"), Timeout, Ct);

        Assert.Equal(ResponseCode.Success, allowed.Code);
        Assert.Equal(ResponseCode.NoPermission, otherTopic.Code);
        Assert.Equal(ResponseCode.NoPermission, otherGroup.Code);
        Assert.Equal(ResponseCode.NoPermission, commitOtherGroup.Code);
        Assert.Null(broker.Services.GetRequiredService<ConsumerOffsetManager>().Query(new("someone-elses-group", TaxTopic, 0)));
    }

    [Fact]
    public async Task A_message_sent_back_is_pulled_again_from_the_groups_retry_topic_after_its_delay_and_past_its_retries_lands_in_the_DLQ()
    {
        await using var broker = await StartAsync();
        broker.Services.GetRequiredService<TopicManager>().GetOrAutoCreate(TaxTopic);
        await PutAsync(broker.Store, Message(TaxTopic, 0, "report 1", "2021S1", new()
        {
            [MessageProperties.Tags] = "2021S1", [MessageProperties.MessageId] = "id-1", [MessageProperties.Keys] = "city-0001",
        }));
        await broker.InvokeAsync(JavaClientRequests.HeartBeat("city-tax-producer", Group, TaxTopic));
        var failed = ReadEntries(broker.Store, TaxTopic, 0)[0].CommitLogOffset;
        var sentBackAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        var sentBack = await broker.InvokeAsync(SendBack(failed, delayLevel: 1));
        var retried = MessageExtCodec.DecodeAll((await PullDueAsync(broker, RetryTopic)).Body).Single();
        var sentBackAgain = await broker.InvokeAsync(SendBack(retried.CommitLogOffset, delayLevel: 1, maxReconsumeTimes: 1));

        Assert.Equal(ResponseCode.Success, sentBack.Code);
        Assert.Equal("report 1", Encoding.UTF8.GetString(retried.Body.Span));
        Assert.Equal(1, retried.ReconsumeTimes);
        Assert.Equal(TaxTopic, retried.Properties[MessageProperties.RetryTopic]);
        Assert.Equal("origin-id", retried.Properties[MessageProperties.OriginMessageId]);
        Assert.Equal("id-1", retried.Properties[MessageProperties.MessageId]);
        Assert.Equal("city-0001", retried.Properties[MessageProperties.Keys]);
        Assert.Equal("2021S1", retried.Properties[MessageProperties.Tags]);
        Assert.True(retried.StoreTimestamp - sentBackAt >= 1_000, $"stored on the retry topic {retried.StoreTimestamp - sentBackAt} ms after the send-back, before its 1 s delay");
        Assert.Equal(ResponseCode.Success, sentBackAgain.Code);
        var dead = broker.Store.ReadMessage(ReadEntries(broker.Store, DeadLetterTopic, 0).Single())!;
        Assert.Equal(2, dead.ReconsumeTimes);
        Assert.Equal(TaxTopic, dead.Properties[MessageProperties.RetryTopic]);
        Assert.False(dead.Properties.ContainsKey(MessageProperties.DeliveryTimestamp));
        Assert.Single(ReadEntries(broker.Store, RetryTopic, 0));
    }

    [Fact]
    public async Task A_send_back_without_a_delay_level_waits_level_3_plus_the_reconsumes_and_a_negative_level_goes_to_the_DLQ_at_once()
    {
        await using var broker = await StartAsync();
        await broker.PutAsync(TaxTopic, "report 1");
        var failed = ReadEntries(broker.Store, TaxTopic, 0)[0].CommitLogOffset;
        var sentBackAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        var retry = await broker.InvokeAsync(SendBack(failed, delayLevel: 0));
        var dlq = await broker.InvokeAsync(SendBack(failed, delayLevel: -1));

        Assert.Equal(ResponseCode.Success, retry.Code);
        var scheduled = broker.Store.ReadMessage(ReadEntries(broker.Store, TimerMessageService.TimerTopic, 0).Single())!;
        Assert.Equal(RetryTopic, scheduled.Properties[MessageProperties.RealTopic]);
        Assert.Equal("3", scheduled.Properties[MessageProperties.DelayLevel]);
        Assert.InRange(long.Parse(scheduled.Properties[MessageProperties.DeliveryTimestamp], CultureInfo.InvariantCulture) - sentBackAt, 10_000, 10_000 + (long)Timeout.TotalMilliseconds);
        Assert.Equal(ResponseCode.Success, dlq.Code);
        Assert.Equal(1, broker.Store.ReadMessage(ReadEntries(broker.Store, DeadLetterTopic, 0).Single())!.ReconsumeTimes);
    }

    [Fact]
    public async Task A_first_pull_of_a_groups_retry_topic_creates_it_with_the_groups_retry_queues_and_a_bare_retry_prefix_names_no_topic()
    {
        await using var broker = await StartAsync();
        broker.Services.GetRequiredService<SubscriptionGroupManager>().CreateOrUpdate(new SubscriptionGroupConfig { GroupName = Group, RetryQueueNums = 2 });

        await broker.InvokeAsync(Pull(RetryTopic, 0));
        var bare = await broker.InvokeAsync(Pull(ResourceNames.RetryPrefix, 0));

        Assert.True(broker.Services.GetRequiredService<TopicManager>().TryGet(RetryTopic, out var retryTopic));
        Assert.Equal(2, retryTopic.QueueCount);
        Assert.Equal(ResponseCode.TopicNotExist, bare.Code);
    }

    [Fact]
    public async Task A_send_back_of_an_offset_holding_no_message_is_answered_SYSTEM_ERROR_and_stores_nothing()
    {
        await using var broker = await StartAsync();
        await broker.PutAsync(TaxTopic, "report 1");

        var answer = await broker.InvokeAsync(SendBack(1_000_000));

        Assert.Equal(ResponseCode.SystemError, answer.Code);
        Assert.Contains("offset 1000000", answer.Remark, StringComparison.Ordinal);
        Assert.Empty(ReadEntries(broker.Store, TimerMessageService.TimerTopic, 0));
        Assert.Empty(ReadEntries(broker.Store, DeadLetterTopic, 0));
    }

    [Theory]
    [InlineData("delayLevel", "soon")]
    [InlineData("delayLevel", "4294967296")]
    [InlineData("maxReconsumeTimes", "sixteen")]
    public async Task A_send_back_with_a_field_that_is_not_a_number_is_refused_naming_it_and_stores_nothing(string field, string value)
    {
        await using var broker = await StartAsync();
        await broker.PutAsync(TaxTopic, "report 1");
        var request = SendBack(ReadEntries(broker.Store, TaxTopic, 0)[0].CommitLogOffset);
        request.ExtFields![field] = value;

        var answer = await broker.InvokeAsync(request);

        Assert.Equal(ResponseCode.SystemError, answer.Code);
        Assert.Contains($"'{value}' in header field '{field}'", answer.Remark, StringComparison.Ordinal);
        Assert.Empty(ReadEntries(broker.Store, TimerMessageService.TimerTopic, 0));
        Assert.Empty(ReadEntries(broker.Store, DeadLetterTopic, 0));
    }

    [Fact]
    public async Task A_consumers_own_send_to_its_retry_topic_is_delayed_by_its_DELAY_level_and_past_its_retries_goes_to_the_DLQ()
    {
        await using var broker = await StartAsync();
        await broker.InvokeAsync(JavaClientRequests.HeartBeat("city-tax-producer", Group, TaxTopic));
        var sentAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        var retry = await broker.InvokeAsync(FallbackSend("retried report", reconsumeTimes: 1));
        var pulled = MessageExtCodec.DecodeAll((await PullDueAsync(broker, RetryTopic)).Body).Single();
        var dead = await broker.InvokeAsync(FallbackSend("dead report", reconsumeTimes: 16));

        Assert.Equal(ResponseCode.Success, retry.Code);
        Assert.Equal("retried report", Encoding.UTF8.GetString(pulled.Body.Span));
        Assert.Equal(1, pulled.ReconsumeTimes);
        Assert.True(pulled.StoreTimestamp - sentAt >= 1_000, $"stored on the retry topic {pulled.StoreTimestamp - sentAt} ms after the send, before its DELAY level 1 (1 s)");
        Assert.Equal(ResponseCode.Success, dead.Code);
        var deadLettered = broker.Store.ReadMessage(ReadEntries(broker.Store, DeadLetterTopic, 0).Single())!;
        Assert.Equal("dead report", Encoding.UTF8.GetString(deadLettered.Body.Span));
        Assert.Equal(TaxTopic, deadLettered.Properties[MessageProperties.RetryTopic]);
        Assert.Single(ReadEntries(broker.Store, RetryTopic, 0));
    }

    private static IEnumerable<string> Bodies(RemotingCommand answer) =>
        MessageExtCodec.DecodeAll(answer.Body).Select(m => Encoding.UTF8.GetString(m.Body.Span));

    /// <summary>Pulls the retry topic as a push consumer does, each pull waiting up to 2 s, until the timer delivered a message there.</summary>
    private static Task<RemotingCommand> PullDueAsync(InProcessBroker broker, string topic) =>
        Eventually.ValueAsync(
            _ => broker.InvokeAsync(PushConsumerPull(topic, 0, suspendMillis: 2_000)), answer => answer.Code == ResponseCode.Success, Timeout, Ct);

    [Fact]
    public async Task A_send_to_a_retry_topic_naming_no_group_is_refused_MESSAGE_ILLEGAL_and_creates_no_topic()
    {
        await using var broker = await StartAsync();

        var answer = await broker.InvokeAsync(FallbackSend("orphan report", reconsumeTimes: 1, topic: ResourceNames.RetryPrefix));

        Assert.Equal(ResponseCode.MessageIllegal, answer.Code);
        Assert.False(broker.Services.GetRequiredService<TopicManager>().TryGet(ResourceNames.RetryPrefix, out _));
    }

    /// <summary>What a 4.x push consumer sends itself when its send-back failed: the message, to its retry topic, one reconsume more.</summary>
    private static RemotingCommand FallbackSend(string body, int reconsumeTimes, string topic = RetryTopic)
    {
        var properties = MessagePropertiesCodec.Encode(new Dictionary<string, string>
        {
            [MessageProperties.RetryTopic] = TaxTopic, [MessageProperties.DelayLevel] = "1", [MessageProperties.MessageId] = $"id-{body}",
        });
        var fields = new SendMessageHeader("CLIENT_INNER_PRODUCER", topic, -1, 0, 1_700_000_000_123, 0, properties, reconsumeTimes).ToShortFields();
        fields["l"] = "16";
        return RemotingCommand.Request(RequestCode.SendMessageV2, fields, Encoding.UTF8.GetBytes(body));
    }

    private async Task<InProcessBroker> StartAsync(bool aclEnable = false, long? inMemoryBytes = null, int segmentSize = SmallSegmentSize)
    {
        var aclFile = Path.Combine(RootDir, "plain_acl.yml");
        await File.WriteAllTextAsync(aclFile, AclBrokerFixture.AclFile, Ct);
        var store = await OpenAsync(Options(segmentSize: segmentSize));
        var services = BrokerServices(store, config => config with { AclEnable = aclEnable, AclConfigFile = aclFile });
        var offsets = services.GetRequiredService<ConsumerOffsetProcessor>();
        var flush = services.GetServices<IHostedService>().OfType<ConsumerOffsetFlushService>().Single();
        await flush.StartAsync(Ct);
        var timer = services.GetRequiredService<TimerMessageService>();
        await timer.StartAsync(Ct);
        var server = await StartRemotingServerAsync(
            [
                services.GetRequiredService<PullMessageProcessor>(),
                inMemoryBytes is { } bytes ? new ConsumerOffsetProcessor(
                    services.GetRequiredService<ConsumerOffsetManager>(), services.GetRequiredService<MessagePuller>(), store, services.GetRequiredService<TopicManager>(),
                    services.GetRequiredService<ClientManager>(), services.GetRequiredService<BrokerIdentity>()) { InMemoryBytes = bytes } : offsets,
                services.GetRequiredService<ClientManageProcessor>(), services.GetRequiredService<BrokerAdminProcessor>(),
                services.GetRequiredService<ConsumerSendMsgBackProcessor>(), services.GetRequiredService<SendMessageProcessor>(),
            ],
            services.GetService<IRemotingRequestGuard>());
        return new InProcessBroker(store, services, server, flush, timer);
    }

    /// <summary>A broker's layers behind a remoting server; disposing stops it as the host does (offsets written) and leaves the store open.</summary>
    private sealed record InProcessBroker(
        MessageStore Store, ServiceProvider Services, RemotingServer Server, ConsumerOffsetFlushService Flush, TimerMessageService Timer) : IAsyncDisposable
    {
        private readonly RemotingClient _client = new();

        public string Address => $"127.0.0.1:{Server.Port}";

        public Task<RemotingCommand> InvokeAsync(RemotingCommand request, TimeSpan? timeout = null) =>
            _client.InvokeAsync(Address, request, timeout ?? MessageStoreTestBase.Timeout, Ct);

        public Task PutAsync(string topic, params string[] bodies) => PutTaggedAsync(topic, [.. bodies.Select(body => ((string?)null, body))]);

        public async Task PutTaggedAsync(string topic, params (string? Tag, string Body)[] messages)
        {
            Services.GetRequiredService<TopicManager>().GetOrAutoCreate(topic);
            var records = messages.Select(m => Message(topic, 0, m.Body, m.Tag, m.Tag is null ? null : new() { [MessageProperties.Tags] = m.Tag })).ToList();
            await PutAllAsync(Store, records);
        }

        public async ValueTask DisposeAsync()
        {
            await _client.DisposeAsync();
            await Server.DisposeAsync();
            await Flush.StopAsync(Ct);
            await Timer.StopAsync(Ct);
            await Services.DisposeAsync();
        }
    }
}
