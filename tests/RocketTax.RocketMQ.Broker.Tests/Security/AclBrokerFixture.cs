using RocketTax.Testing;

namespace RocketTax.RocketMQ.Broker.Tests.Security;

/// <summary>A broker with <c>aclEnable=true</c> and the ACL file of <see cref="AclFile"/> beside its broker.properties.</summary>
public sealed class AclBrokerFixture : IAsyncLifetime
{
    public const string Reporter = "taxreporter";
    public const string ReporterSecret = "reporter-secret";
    public const string Admin = "rocketadmin";
    public const string AdminSecret = "admin-secret";

    /// <summary>RocketMQ's plain_acl.yml layout: a publisher/consumer of the tax topic, and an admin.</summary>
    public const string AclFile = """
        # Who may do what on this broker.
        globalWhiteRemoteAddresses:
          - 10.10.103.*
        accounts:
          - accessKey: taxreporter
            secretKey: reporter-secret
            admin: false
            defaultTopicPerm: DENY
            defaultGroupPerm: DENY
            topicPerms:
              - tax-data-topic=PUB|SUB
              - audit-topic=SUB
            groupPerms:
              - consumer-group=SUB
          - accessKey: rocketadmin
            secretKey: "admin-secret"
            admin: true
        """;

    public BrokerProcess Broker { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        Broker = new BrokerProcess(new BrokerOptions
        {
            ExtraProperties = new Dictionary<string, string> { ["aclEnable"] = "true", ["aclConfigFile"] = "plain_acl.yml" },
        });
        await File.WriteAllTextAsync(Path.Combine(Broker.HomeDir, "plain_acl.yml"), AclFile, timeout.Token);
        await Broker.StartAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (Broker is not null)
        {
            await Broker.DisposeAsync();
        }
    }
}
