using Microsoft.Extensions.DependencyInjection;
using RocketTax.RocketMQ.Client;

namespace RocketTax.Tests;

/// <summary>
/// The AppHost's graph with <c>RocketMQ:AccessControl=true</c>: the brokers run with a generated ACL file, the integration
/// signs its own calls as its admin account, and each service works with the account the AppHost gave it. One graph covers
/// every assertion, since a start costs tens of seconds on a small machine.
/// </summary>
[Collection(nameof(GraphCollection))]
public sealed class AccessControlGraphTests
{
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RefusalTimeout = TimeSpan.FromSeconds(20);

    [Fact(Timeout = GraphFixture.TestTimeoutMs)]
    public async Task Under_access_control_services_exchange_reports_with_their_accounts_and_others_are_refused()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var graph = await GraphFixture.StartAsync(ct, configure: null, "RocketMQ:AccessControl=true");

        // Healthy: the brokers answer the integration's signed probes, and the cluster created its topic with signed admin requests.
        await graph.WaitAllHealthyAsync(ct);
        Assert.Equal(100, await graph.SendSeedReportsAsync(DeliveryTimeout, ct));

        // The dashboard's figures and commands, signed as the integration's admin account.
        var notifications = graph.App.Services.GetRequiredService<ResourceNotificationService>();
        foreach (var broker in new[] { "broker-a", "broker-b" })
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
            deadline.CancelAfter(DeliveryTimeout);
            var shown = await notifications.WaitForResourceAsync(broker, e => Property(e, "rocketmq.messages.stored") is { } stored && stored != "0", deadline.Token);
            Assert.Null(Property(shown, "rocketmq.figures.access"));
        }

        var lag = await graph.App.Services.GetRequiredService<ResourceCommandService>().ExecuteCommandAsync("broker-a", "show-consumer-lag", ct);
        Assert.True(lag.Success, lag.Message);

        // The secrets are secret parameters (masked by the dashboard); the ACL file holding them is the AppHost user's alone.
        var model = graph.App.Services.GetRequiredService<DistributedApplicationModel>();
        var provinceSecret = model.Resources.OfType<ParameterResource>().Single(p => p.Name == "rocketmq-provincetax-secret");
        Assert.True(provinceSecret.Secret);
        Assert.True(model.Resources.OfType<ParameterResource>().Single(p => p.Name == "rocketmq-admin-secret").Secret);
        var aclFile = Path.Combine(graph.DataPath, "data", "conf", "plain_acl.yml");
        Assert.True(File.Exists(aclFile), aclFile);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(aclFile));
        }

        // Clients without a valid account, or sending where their account may not, are refused with the reason.
        var endpoints = (await graph.App.GetConnectionStringAsync("rocketmq", ct))!;
        var unsigned = await RefusedSendAsync(endpoints, accessKey: null, secretKey: null, ct);
        Assert.Contains("not signed", unsigned.Message, StringComparison.Ordinal);
        var wrongSecret = await RefusedSendAsync(endpoints, "rocketmq-citytax", "not-the-secret", ct);
        Assert.Contains("signature does not match", wrongSecret.Message, StringComparison.Ordinal);
        var subscriber = await RefusedSendAsync(endpoints, "rocketmq-provincetax", await provinceSecret.GetValueAsync(ct), ct);
        Assert.Contains("may not PUB on topic 'tax-data-topic'", subscriber.Message, StringComparison.Ordinal);
    }

    private static async Task<RocketMQException> RefusedSendAsync(string endpoints, string? accessKey, string? secretKey, CancellationToken ct) =>
        await Assert.ThrowsAnyAsync<RocketMQException>(async () =>
        {
            await using var producer = new Producer(new ProducerOptions
            {
                Endpoints = endpoints, Topics = ["tax-data-topic"], AccessKey = accessKey, SecretKey = secretKey,
            });
            await producer.StartAsync(ct);
            await producer.SendAsync(new Message("tax-data-topic", "not allowed"), ct);
        }).WaitAsync(RefusalTimeout, ct);

    private static string? Property(ResourceEvent resourceEvent, string name) =>
        resourceEvent.Snapshot.Properties.FirstOrDefault(p => p.Name == name)?.Value?.ToString();
}
