using System.Globalization;
using RocketTax.RocketMQ.Broker.Admin;
using RocketTax.RocketMQ.Broker.Tests.Remoting;
using RocketTax.RocketMQ.Remoting;
using RocketTax.RocketMQ.Remoting.Body;

namespace RocketTax.RocketMQ.Broker.Tests.Security;

/// <summary>
/// A broker process with <c>aclEnable=true</c>: its remoting port answers NO_PERMISSION to unsigned requests, and
/// <c>mqadmin</c> given <c>--accessKey/--secretKey</c> signs its requests (an admin account may create topics, others may not).
/// </summary>
public sealed class RemotingAclPortTests(AclBrokerFixture fixture) : IClassFixture<AclBrokerFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string BrokerAddr => $"127.0.0.1:{fixture.Broker.ListenPort.ToString(CultureInfo.InvariantCulture)}";

    [Fact(Timeout = 60_000)]
    public async Task The_remoting_port_refuses_an_unsigned_request_and_serves_a_signed_one()
    {
        await using var anonymous = new RemotingClient();
        await using var reporter = new RemotingClient { Credentials = new(AclBrokerFixture.Reporter, AclBrokerFixture.ReporterSecret) };

        var refused = await anonymous.InvokeAsync(BrokerAddr, RemotingCommand.Request(RequestCode.GetBrokerRuntimeInfo), Timeout, Ct);
        var served = await reporter.InvokeAsync(BrokerAddr, RemotingCommand.Request(RequestCode.GetBrokerRuntimeInfo), Timeout, Ct);

        Assert.Equal(ResponseCode.NoPermission, refused.Code);
        Assert.Equal(ResponseCode.Success, served.Code);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_4x_clients_signed_heartbeat_is_served_and_lists_it_among_its_groups_connections()
    {
        await using var reporter = new RemotingClient { Credentials = new(AclBrokerFixture.Reporter, AclBrokerFixture.ReporterSecret) };

        var heartbeat = await reporter.InvokeAsync(BrokerAddr, JavaClientRequests.HeartBeat("city-tax-producer", "consumer-group", "tax-data-topic"), Timeout, Ct);
        var listed = await reporter.InvokeAsync(BrokerAddr, JavaClientRequests.ConsumerConnections("consumer-group"), Timeout, Ct);
        var unregister = await reporter.InvokeAsync(BrokerAddr, JavaClientRequests.Unregister(consumerGroup: "consumer-group"), Timeout, Ct);
        var afterUnregister = await reporter.InvokeAsync(BrokerAddr, JavaClientRequests.ConsumerConnections("consumer-group"), Timeout, Ct);

        Assert.Equal(ResponseCode.Success, heartbeat.Code);
        Assert.Contains(listed.ReadBody<ConsumerConnectionBody>().ConnectionSet, c => c.ClientId == JavaClientRequests.ClientId);
        Assert.Equal(ResponseCode.Success, unregister.Code);
        Assert.Equal(ResponseCode.ConsumerNotOnline, afterUnregister.Code);
    }

    [Fact(Timeout = 60_000)]
    public async Task Mqadmin_updateTopic_signed_by_a_non_admin_is_refused_and_by_the_admin_succeeds()
    {
        var (byReporter, reporterError) = await MqAdminAsync("updateTopic", "-b", BrokerAddr, "-t", "tax-archive-topic",
            "--accessKey", AclBrokerFixture.Reporter, "--secretKey", AclBrokerFixture.ReporterSecret);
        var (byAdmin, _) = await MqAdminAsync("updateTopic", "-b", BrokerAddr, "-t", "tax-archive-topic",
            "--accessKey", AclBrokerFixture.Admin, "--secretKey", AclBrokerFixture.AdminSecret);

        Assert.Equal(AdminCommandLine.ExitError, byReporter);
        Assert.Contains("admin accounts only", reporterError, StringComparison.Ordinal);
        Assert.Equal(0, byAdmin);
    }

    [Fact(Timeout = 60_000)]
    public async Task Mqadmin_with_only_one_of_the_keys_says_both_are_needed()
    {
        var (exit, error) = await MqAdminAsync("updateTopic", "-b", BrokerAddr, "-t", "tax-archive-topic", "--accessKey", AclBrokerFixture.Admin);

        Assert.Equal(AdminCommandLine.ExitError, exit);
        Assert.Contains("--secretKey", error, StringComparison.Ordinal);
    }

    /// <summary>mqadmin in process; <c>-n</c> names no live name server, as <c>-b</c> goes to the broker directly.</summary>
    private static async Task<(int Exit, string Error)> MqAdminAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await AdminCommandLine.RunAsync([.. args, "-n", "127.0.0.1:1"], output, error, Ct).WaitAsync(Timeout, Ct);
        TestContext.Current.TestOutputHelper?.WriteLine($"$ mqadmin {string.Join(' ', args)}\n{output}{error}");
        return (exit, error.ToString());
    }
}
