using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RocketTax.RocketMQ.Broker.Cluster;
using RocketTax.RocketMQ.Broker.Configuration;
using RocketTax.RocketMQ.Broker.Hosting;
using RocketTax.RocketMQ.Broker.Managers;
using RocketTax.RocketMQ.Broker.Remoting;
using RocketTax.RocketMQ.Broker.Security;
using RocketTax.RocketMQ.Broker.Store;
using RocketTax.RocketMQ.Broker.Tests.Store;
using RocketTax.RocketMQ.Remoting;
using RocketTax.RocketMQ.Remoting.Messages;
using Encoding = System.Text.Encoding;

namespace RocketTax.RocketMQ.Broker.Tests.Security;

/// <summary>
/// <c>aclEnable=true</c> on the remoting port, as RocketMQ 4.x's plain ACL: every request signed by an account of the
/// ACL file, PUB on the topic to send, an admin account to create topics; else NO_PERMISSION and nothing done. The
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
        var store = await OpenAsync();
        await using var broker = Broker(store, aclEnable: true);
        await using var server = await ServeAsync(broker);
        await using var client = new RemotingClient();

        var answer = await client.InvokeAsync(Address(server), SendV2(TaxTopic), Timeout, Ct);

        Assert.Equal(ResponseCode.NoPermission, answer.Code);
        Assert.Contains("not signed", answer.Remark, StringComparison.Ordinal);
        Assert.Empty(ReadEntries(store, TaxTopic, 0));
    }

    [Fact]
    public async Task A_send_signed_with_a_wrong_secret_or_an_unknown_key_is_refused_and_not_stored()
    {
        var store = await OpenAsync();
        await using var broker = Broker(store, aclEnable: true);
        await using var server = await ServeAsync(broker);
        await using var wrongSecret = new RemotingClient { Credentials = Reporter with { SecretKey = "not-the-secret" } };
        await using var unknownKey = new RemotingClient { Credentials = Reporter with { AccessKey = "stranger" } };

        var wrong = await wrongSecret.InvokeAsync(Address(server), SendV2(TaxTopic), Timeout, Ct);
        var unknown = await unknownKey.InvokeAsync(Address(server), SendV2(TaxTopic), Timeout, Ct);

        Assert.Equal(ResponseCode.NoPermission, wrong.Code);
        Assert.Contains("signature does not match", wrong.Remark, StringComparison.Ordinal);
        Assert.Equal(ResponseCode.NoPermission, unknown.Code);
        Assert.Contains("'stranger'", unknown.Remark, StringComparison.Ordinal);
        Assert.Empty(ReadEntries(store, TaxTopic, 0));
    }

    [Fact]
    public async Task A_send_altered_after_signing_is_refused()
    {
        var store = await OpenAsync();
        await using var broker = Broker(store, aclEnable: true);
        await using var server = await ServeAsync(broker);
        await using var client = new RemotingClient();
        var request = SendV2(TaxTopic);
        RemotingSignature.Sign(request, Reporter);
        request.Body = Encoding.UTF8.GetBytes("a different report");

        var answer = await client.InvokeAsync(Address(server), request, Timeout, Ct);

        Assert.Equal(ResponseCode.NoPermission, answer.Code);
        Assert.Empty(ReadEntries(store, TaxTopic, 0));
    }

    [Theory]
    [InlineData(RequestCode.SendMessage)]
    [InlineData(RequestCode.SendMessageV2)]
    [InlineData(RequestCode.SendBatchMessage)]
    public async Task A_signed_send_of_an_account_with_PUB_on_the_topic_is_stored(int code)
    {
        var store = await OpenAsync();
        await using var broker = Broker(store, aclEnable: true);
        await using var server = await ServeAsync(broker);
        await using var client = new RemotingClient { Credentials = Reporter };

        var answer = await client.InvokeAsync(Address(server), Send(code, TaxTopic), Timeout, Ct);

        Assert.Equal(ResponseCode.Success, answer.Code);
        Assert.Single(ReadEntries(store, TaxTopic, 0));
    }

    [Fact]
    public async Task A_signed_send_to_a_topic_the_account_may_not_PUB_on_is_refused_and_logged_once()
    {
        var store = await OpenAsync();
        await using var broker = Broker(store, aclEnable: true);
        var log = new CapturingLogger<RemotingAccessControl>();
        await using var server = await ServeAsync(broker, new RemotingAccessControl(broker.GetRequiredService<AclConfig>(), log));
        await using var client = new RemotingClient { Credentials = Reporter };

        var subOnly = await client.InvokeAsync(Address(server), SendV2("audit-topic"), Timeout, Ct);
        var unlisted = await client.InvokeAsync(Address(server), SendV2("payroll-topic"), Timeout, Ct);

        Assert.Equal(ResponseCode.NoPermission, subOnly.Code);
        Assert.Contains("may not PUB on topic 'audit-topic'", subOnly.Remark, StringComparison.Ordinal);
        Assert.Equal(ResponseCode.NoPermission, unlisted.Code);
        Assert.Empty(ReadEntries(store, "audit-topic", 0));
        Assert.Empty(ReadEntries(store, "payroll-topic", 0));
        Assert.Equal(2, log.Entries.Count(e => e.Level == LogLevel.Warning && e.Message.Contains(AclBrokerFixture.Reporter, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Creating_a_topic_needs_an_admin_account()
    {
        var store = await OpenAsync();
        await using var broker = Broker(store, aclEnable: true);
        await using var server = await ServeAsync(broker);
        await using var reporter = new RemotingClient { Credentials = Reporter };
        await using var admin = new RemotingClient { Credentials = Admin };

        var byReporter = await reporter.InvokeAsync(Address(server), CreateTopic("tax-archive-topic"), Timeout, Ct);
        var createdByReporter = broker.GetRequiredService<TopicManager>().TryGet("tax-archive-topic", out _);
        var byAdmin = await admin.InvokeAsync(Address(server), CreateTopic("tax-archive-topic"), Timeout, Ct);

        Assert.Equal(ResponseCode.NoPermission, byReporter.Code);
        Assert.Contains("admin", byReporter.Remark, StringComparison.Ordinal);
        Assert.False(createdByReporter);
        Assert.Equal(ResponseCode.Success, byAdmin.Code);
        Assert.True(broker.GetRequiredService<TopicManager>().TryGet("tax-archive-topic", out _));
    }

    [Fact]
    public async Task A_signed_request_that_needs_no_permission_is_served_to_any_account()
    {
        var store = await OpenAsync();
        await using var broker = Broker(store, aclEnable: true);
        await using var server = await ServeAsync(broker);
        await using var client = new RemotingClient { Credentials = Reporter };

        var answer = await client.InvokeAsync(Address(server), RemotingCommand.Request(RequestCode.GetBrokerRuntimeInfo), Timeout, Ct);

        Assert.Equal(ResponseCode.Success, answer.Code);
    }

    [Fact]
    public async Task With_ACL_off_unsigned_and_signed_requests_are_served_as_before()
    {
        var store = await OpenAsync();
        await using var broker = Broker(store, aclEnable: false);
        await using var server = await ServeAsync(broker);
        await using var anonymous = new RemotingClient();
        await using var signed = new RemotingClient { Credentials = Reporter with { SecretKey = "whatever-secret" } };

        var unsignedSend = await anonymous.InvokeAsync(Address(server), SendV2(TaxTopic), Timeout, Ct);
        var signedSend = await signed.InvokeAsync(Address(server), SendV2(TaxTopic), Timeout, Ct);
        var unsignedCreate = await anonymous.InvokeAsync(Address(server), CreateTopic("tax-archive-topic"), Timeout, Ct);

        Assert.Null(broker.GetService<IRemotingRequestGuard>());
        Assert.Equal(ResponseCode.Success, unsignedSend.Code);
        Assert.Equal(ResponseCode.Success, signedSend.Code);
        Assert.Equal(ResponseCode.Success, unsignedCreate.Code);
        Assert.Equal(2, ReadEntries(store, TaxTopic, 0).Length);
    }

    /// <summary>The broker's services as the host registers them, with the fixture's ACL file when <paramref name="aclEnable"/>.</summary>
    private ServiceProvider Broker(IMessageStore store, bool aclEnable)
    {
        var aclFile = Path.Combine(RootDir, "plain_acl.yml");
        File.WriteAllText(aclFile, AclBrokerFixture.AclFile);
        return new ServiceCollection()
            .AddLogging()
            .AddMetrics()
            .AddBroker(new BrokerConfig { BrokerName = "broker-t", StorePathRootDir = RootDir, DefaultTopicQueueNums = 1, AclEnable = aclEnable, AclConfigFile = aclFile }, store)
            .BuildServiceProvider();
    }

    /// <summary>A remoting server on a free loopback port with the broker's send and admin processors, behind the broker's guard (if any).</summary>
    private static async Task<RemotingServer> ServeAsync(ServiceProvider broker, IRemotingRequestGuard? guard = null)
    {
        var server = new RemotingServer(
            new RemotingServerOptions(0) { Address = IPAddress.Loopback },
            [broker.GetRequiredService<SendMessageProcessor>(), broker.GetRequiredService<BrokerAdminProcessor>()],
            NullLogger<RemotingServer>.Instance,
            guard ?? broker.GetService<IRemotingRequestGuard>());
        await server.StartAsync(Ct);
        return server;
    }

    private static string Address(RemotingServer server) => $"127.0.0.1:{server.Port}";

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
}
