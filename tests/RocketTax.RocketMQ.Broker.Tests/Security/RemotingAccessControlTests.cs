using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RocketTax.RocketMQ.Broker.Cluster;
using RocketTax.RocketMQ.Broker.Managers;
using RocketTax.RocketMQ.Broker.Managers.Pull;
using RocketTax.RocketMQ.Broker.Remoting;
using RocketTax.RocketMQ.Broker.Security;
using RocketTax.RocketMQ.Broker.Store;
using RocketTax.RocketMQ.Broker.Tests.PullConsumers;
using RocketTax.RocketMQ.Broker.Tests.Remoting;
using RocketTax.RocketMQ.Broker.Tests.Store;
using RocketTax.RocketMQ.Remoting;
using RocketTax.RocketMQ.Remoting.Body;
using RocketTax.RocketMQ.Remoting.Messages;
using Encoding = System.Text.Encoding;

namespace RocketTax.RocketMQ.Broker.Tests.Security;

/// <summary>
/// <c>aclEnable=true</c> on the remoting port, as RocketMQ 4.x's plain ACL: every request signed by an account of the
/// ACL file, PUB on the topic to send (SUB on the group to send to its retry topic or send a failed message back), SUB on the groups and topics a 4.x client's heartbeat names, an admin account to
/// create topics; else NO_PERMISSION and nothing done. The
/// broker's layers run in process over a real store behind a real remoting server.
/// </summary>
public sealed class RemotingAccessControlTests : MessageStoreTestBase
{
    private const string TaxTopic = "tax-data-topic";
    private static readonly RemotingCredentials Reporter = new(AclBrokerFixture.Reporter, AclBrokerFixture.ReporterSecret);
    private static readonly RemotingCredentials Admin = new(AclBrokerFixture.Admin, AclBrokerFixture.AdminSecret);

    [Fact]
    public async Task An_unsigned_send_is_refused_with_NO_PERMISSION_and_not_stored()
    {
        await using var broker = await StartAsync(aclEnable: true);
        await using var client = new RemotingClient();

        var answer = await client.InvokeAsync(broker.Address, SendV2(TaxTopic), Timeout, Ct);

        Assert.Equal(ResponseCode.NoPermission, answer.Code);
        Assert.Contains("not signed", answer.Remark, StringComparison.Ordinal);
        Assert.Empty(ReadEntries(broker.Store, TaxTopic, 0));
    }

    [Fact]
    public async Task A_send_signed_with_a_wrong_secret_or_an_unknown_key_is_refused_and_not_stored()
    {
        await using var broker = await StartAsync(aclEnable: true);
        await using var wrongSecret = new RemotingClient { Credentials = Reporter with { SecretKey = "not-the-secret" } };
        await using var unknownKey = new RemotingClient { Credentials = Reporter with { AccessKey = "stranger" } };

        var wrong = await wrongSecret.InvokeAsync(broker.Address, SendV2(TaxTopic), Timeout, Ct);
        var unknown = await unknownKey.InvokeAsync(broker.Address, SendV2(TaxTopic), Timeout, Ct);

        Assert.Equal(ResponseCode.NoPermission, wrong.Code);
        Assert.Contains("signature does not match", wrong.Remark, StringComparison.Ordinal);
        Assert.Equal(ResponseCode.NoPermission, unknown.Code);
        Assert.Contains("'stranger'", unknown.Remark, StringComparison.Ordinal);
        Assert.Empty(ReadEntries(broker.Store, TaxTopic, 0));
    }

    [Fact]
    public async Task A_send_altered_after_signing_is_refused()
    {
        await using var broker = await StartAsync(aclEnable: true);
        await using var client = new RemotingClient();
        var request = SendV2(TaxTopic);
        RemotingSignature.Sign(request, Reporter);
        request.Body = Encoding.UTF8.GetBytes("a different report");

        var answer = await client.InvokeAsync(broker.Address, request, Timeout, Ct);

        Assert.Equal(ResponseCode.NoPermission, answer.Code);
        Assert.Empty(ReadEntries(broker.Store, TaxTopic, 0));
    }

    [Theory]
    [InlineData(RequestCode.SendMessage)]
    [InlineData(RequestCode.SendMessageV2)]
    [InlineData(RequestCode.SendBatchMessage)]
    public async Task A_signed_send_of_an_account_with_PUB_on_the_topic_is_stored(int code)
    {
        await using var broker = await StartAsync(aclEnable: true);
        await using var client = new RemotingClient { Credentials = Reporter };

        var answer = await client.InvokeAsync(broker.Address, Send(code, TaxTopic), Timeout, Ct);

        Assert.Equal(ResponseCode.Success, answer.Code);
        Assert.Single(ReadEntries(broker.Store, TaxTopic, 0));
    }

    [Fact]
    public async Task A_signed_send_to_a_topic_the_account_may_not_PUB_on_is_refused_and_logged_once()
    {
        var log = new CapturingLogger<RemotingAccessControl>();
        await using var broker = await StartAsync(aclEnable: true, acl => new RemotingAccessControl(acl, log));
        await using var client = new RemotingClient { Credentials = Reporter };

        var subOnly = await client.InvokeAsync(broker.Address, SendV2("audit-topic"), Timeout, Ct);
        var unlisted = await client.InvokeAsync(broker.Address, SendV2("payroll-topic"), Timeout, Ct);

        Assert.Equal(ResponseCode.NoPermission, subOnly.Code);
        Assert.Contains("may not PUB on topic 'audit-topic'", subOnly.Remark, StringComparison.Ordinal);
        Assert.Equal(ResponseCode.NoPermission, unlisted.Code);
        Assert.Empty(ReadEntries(broker.Store, "audit-topic", 0));
        Assert.Empty(ReadEntries(broker.Store, "payroll-topic", 0));
        Assert.Equal(2, log.Entries.Count(e => e.Level == LogLevel.Warning && e.Message.Contains(AclBrokerFixture.Reporter, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Creating_a_topic_needs_an_admin_account()
    {
        await using var broker = await StartAsync(aclEnable: true);
        await using var reporter = new RemotingClient { Credentials = Reporter };
        await using var admin = new RemotingClient { Credentials = Admin };

        var byReporter = await reporter.InvokeAsync(broker.Address, CreateTopic("tax-archive-topic"), Timeout, Ct);
        var createdByReporter = broker.Services.GetRequiredService<TopicManager>().TryGet("tax-archive-topic", out _);
        var byAdmin = await admin.InvokeAsync(broker.Address, CreateTopic("tax-archive-topic"), Timeout, Ct);

        Assert.Equal(ResponseCode.NoPermission, byReporter.Code);
        Assert.Contains("admin", byReporter.Remark, StringComparison.Ordinal);
        Assert.False(createdByReporter);
        Assert.Equal(ResponseCode.Success, byAdmin.Code);
        Assert.True(broker.Services.GetRequiredService<TopicManager>().TryGet("tax-archive-topic", out _));
    }

    [Fact]
    public async Task A_signed_request_that_needs_no_permission_is_served_to_any_account()
    {
        await using var broker = await StartAsync(aclEnable: true);
        await using var client = new RemotingClient { Credentials = Reporter };

        var answer = await client.InvokeAsync(broker.Address, RemotingCommand.Request(RequestCode.GetBrokerRuntimeInfo), Timeout, Ct);

        Assert.Equal(ResponseCode.Success, answer.Code);
    }

    [Fact]
    public async Task A_heartbeat_signed_by_an_account_with_SUB_on_its_group_and_topic_lists_the_consumer_and_an_unsigned_one_is_refused()
    {
        await using var broker = await StartAsync(aclEnable: true);
        await using var anonymous = new RemotingClient();
        await using var reporter = new RemotingClient { Credentials = Reporter };

        var unsigned = await anonymous.InvokeAsync(broker.Address, JavaClientRequests.HeartBeat("city-tax-producer", "consumer-group", TaxTopic), Timeout, Ct);
        var listedBefore = await reporter.InvokeAsync(broker.Address, JavaClientRequests.ConsumerConnections("consumer-group"), Timeout, Ct);
        // Signed, it also names the group's retry topic, which SUB on the group covers.
        var signed = await reporter.InvokeAsync(broker.Address, JavaClientRequests.HeartBeat("city-tax-producer", "consumer-group", TaxTopic), Timeout, Ct);
        var listed = await reporter.InvokeAsync(broker.Address, JavaClientRequests.ConsumerConnections("consumer-group"), Timeout, Ct);

        Assert.Equal(ResponseCode.NoPermission, unsigned.Code);
        Assert.Equal(ResponseCode.ConsumerNotOnline, listedBefore.Code);
        Assert.Equal(ResponseCode.Success, signed.Code);
        Assert.Equal(JavaClientRequests.ClientId, Assert.Single(listed.ReadBody<ConsumerConnectionBody>().ConnectionSet).ClientId);
    }

    [Theory]
    [InlineData("payroll-group", TaxTopic, "group 'payroll-group'")]
    [InlineData("consumer-group", "payroll-topic", "topic 'payroll-topic'")]
    public async Task A_heartbeat_naming_a_group_or_topic_the_account_may_not_SUB_on_is_refused_and_lists_nothing(string group, string topic, string named)
    {
        await using var broker = await StartAsync(aclEnable: true);
        await using var reporter = new RemotingClient { Credentials = Reporter };

        var answer = await reporter.InvokeAsync(broker.Address, JavaClientRequests.HeartBeat("city-tax-producer", group, topic), Timeout, Ct);
        var listed = await reporter.InvokeAsync(broker.Address, JavaClientRequests.ConsumerConnections(group), Timeout, Ct);

        Assert.Equal(ResponseCode.NoPermission, answer.Code);
        Assert.Contains(named, answer.Remark, StringComparison.Ordinal);
        Assert.Equal(ResponseCode.ConsumerNotOnline, listed.Code);
    }

    [Fact]
    public async Task Unregistering_a_consumer_needs_SUB_on_its_group_and_unregistering_a_producer_a_signature_only()
    {
        await using var broker = await StartAsync(aclEnable: true);
        await using var reporter = new RemotingClient { Credentials = Reporter };

        var consumer = await reporter.InvokeAsync(broker.Address, JavaClientRequests.Unregister(consumerGroup: "payroll-group"), Timeout, Ct);
        var producer = await reporter.InvokeAsync(broker.Address, JavaClientRequests.Unregister(producerGroup: "payroll-producer"), Timeout, Ct);

        Assert.Equal(ResponseCode.NoPermission, consumer.Code);
        Assert.Equal(ResponseCode.Success, producer.Code);
    }

    [Fact]
    public async Task A_send_to_a_groups_retry_topic_needs_SUB_on_that_group_not_PUB_on_the_topic()
    {
        await using var broker = await StartAsync(aclEnable: true);
        await using var reporter = new RemotingClient { Credentials = Reporter };

        var ownGroup = await reporter.InvokeAsync(broker.Address, SendV2("%RETRY%consumer-group"), Timeout, Ct);
        var otherGroup = await reporter.InvokeAsync(broker.Address, SendV2("%RETRY%payroll-group"), Timeout, Ct);

        Assert.Equal(ResponseCode.Success, ownGroup.Code);
        Assert.Single(ReadEntries(broker.Store, "%RETRY%consumer-group", 0));
        Assert.Equal(ResponseCode.NoPermission, otherGroup.Code);
        Assert.Contains("group 'payroll-group'", otherGroup.Remark, StringComparison.Ordinal);
        Assert.Empty(ReadEntries(broker.Store, "%RETRY%payroll-group", 0));
    }

    [Fact]
    public async Task A_consumers_send_back_of_a_failed_message_needs_SUB_on_its_group()
    {
        await using var broker = await StartAsync(aclEnable: true);
        await using var reporter = new RemotingClient { Credentials = Reporter };
        await reporter.InvokeAsync(broker.Address, SendV2(TaxTopic), Timeout, Ct);
        var stored = ReadEntries(broker.Store, TaxTopic, 0)[0].CommitLogOffset;

        var ownGroup = await reporter.InvokeAsync(broker.Address, PullConsumerRequests.SendBack(stored, group: "consumer-group"), Timeout, Ct);
        var otherGroup = await reporter.InvokeAsync(broker.Address, PullConsumerRequests.SendBack(stored, group: "payroll-group"), Timeout, Ct);

        Assert.Equal(ResponseCode.Success, ownGroup.Code);
        Assert.Equal(ResponseCode.NoPermission, otherGroup.Code);
        Assert.Contains("group 'payroll-group'", otherGroup.Remark, StringComparison.Ordinal);
        Assert.False(broker.Services.GetRequiredService<TopicManager>().TryGet("%RETRY%payroll-group", out _));
    }

    [Fact]
    public async Task With_ACL_off_unsigned_and_signed_requests_are_served_as_before()
    {
        await using var broker = await StartAsync(aclEnable: false);
        await using var anonymous = new RemotingClient();
        await using var signed = new RemotingClient { Credentials = Reporter with { SecretKey = "whatever-secret" } };

        var unsignedSend = await anonymous.InvokeAsync(broker.Address, SendV2(TaxTopic), Timeout, Ct);
        var signedSend = await signed.InvokeAsync(broker.Address, SendV2(TaxTopic), Timeout, Ct);
        var unsignedCreate = await anonymous.InvokeAsync(broker.Address, CreateTopic("tax-archive-topic"), Timeout, Ct);

        Assert.Null(broker.Services.GetService<IRemotingRequestGuard>());
        Assert.Equal(ResponseCode.Success, unsignedSend.Code);
        Assert.Equal(ResponseCode.Success, signedSend.Code);
        Assert.Equal(ResponseCode.Success, unsignedCreate.Code);
        Assert.Equal(2, ReadEntries(broker.Store, TaxTopic, 0).Length);
    }

    [Fact]
    public async Task A_broker_signs_its_own_calls_as_the_ACL_files_admin_so_a_master_with_the_same_file_creates_its_topic()
    {
        // The broker plays both masters: its own client calls its own guarded port, as it would call a peer's.
        await using var broker = await StartAsync(aclEnable: true);
        var client = broker.Services.GetRequiredService<RemotingClient>();

        var answer = await client.InvokeAsync(broker.Address, CreateTopic("audit-topic"), Timeout, Ct);

        Assert.Equal(AclBrokerFixture.Admin, client.Credentials?.AccessKey);
        Assert.Equal(ResponseCode.Success, answer.Code);
        Assert.True(broker.Services.GetRequiredService<TopicManager>().TryGet("audit-topic", out _));
    }

    /// <summary>
    /// The broker's services as the host registers them over a fresh store (with the fixture's ACL file when
    /// <paramref name="aclEnable"/>), behind a remoting server on a free loopback port with the send and admin
    /// processors and the guard the broker registers, or the one <paramref name="guard"/> makes of the ACL.
    /// </summary>
    private async Task<InProcessBroker> StartAsync(bool aclEnable, Func<AclConfig, IRemotingRequestGuard>? guard = null)
    {
        var aclFile = Path.Combine(RootDir, "plain_acl.yml");
        await File.WriteAllTextAsync(aclFile, AclBrokerFixture.AclFile, Ct);
        var store = await OpenAsync();
        var services = BrokerServices(store, config => config with { AclEnable = aclEnable, AclConfigFile = aclFile });
        var server = await StartRemotingServerAsync(
            [
                services.GetRequiredService<SendMessageProcessor>(), services.GetRequiredService<BrokerAdminProcessor>(),
                services.GetRequiredService<ClientManageProcessor>(), services.GetRequiredService<ConsumerConnectionProcessor>(),
                services.GetRequiredService<ConsumerSendMsgBackProcessor>(),
            ],
            guard is null ? services.GetService<IRemotingRequestGuard>() : guard(services.GetRequiredService<AclConfig>()));
        return new InProcessBroker(store, services, server);
    }

    private static RemotingCommand SendV2(string topic) => Send(RequestCode.SendMessageV2, topic);

    private static RemotingCommand Send(int code, string topic)
    {
        var header = new SendMessageHeader("city-tax-producer", topic, 0, 0, 1_700_000_000_123, 0, null, 0);
        var body = Encoding.UTF8.GetBytes("city 0001, 2021S1");
        return code switch
        {
            RequestCode.SendMessage => RemotingCommand.Request(code, new Dictionary<string, string>
            {
                ["producerGroup"] = "city-tax-producer", ["topic"] = topic, ["defaultTopic"] = SendMessageHeader.DefaultTopic,
                ["defaultTopicQueueNums"] = "4", ["queueId"] = "0", ["sysFlag"] = "0", ["bornTimestamp"] = "1700000000123", ["flag"] = "0",
            }, body),
            RequestCode.SendBatchMessage => RemotingCommand.Request(code, header.ToShortFields(batch: true), MessageBatchCodec.Encode([new BatchMessage(0, body, "")])),
            _ => RemotingCommand.Request(code, header.ToShortFields(), body),
        };
    }

    private static RemotingCommand CreateTopic(string topic) => RemotingCommand.Request(RequestCode.UpdateAndCreateTopic,
        new Dictionary<string, string> { ["topic"] = topic, ["readQueueNums"] = "1", ["writeQueueNums"] = "1", ["perm"] = "6" });

    private sealed record InProcessBroker(IMessageStore Store, ServiceProvider Services, RemotingServer Server) : IAsyncDisposable
    {
        public string Address => $"127.0.0.1:{Server.Port}";

        public async ValueTask DisposeAsync()
        {
            await Server.DisposeAsync();
            await Services.DisposeAsync();
        }
    }
}
