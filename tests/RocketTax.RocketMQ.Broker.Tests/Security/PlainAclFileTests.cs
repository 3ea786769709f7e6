using RocketTax.RocketMQ.Broker.Configuration;
using RocketTax.RocketMQ.Broker.Security;

namespace RocketTax.RocketMQ.Broker.Tests.Security;

/// <summary>The ACL file reads RocketMQ's plain_acl.yml layout and names the line of a mistake.</summary>
public sealed class PlainAclFileTests
{
    [Fact]
    public void Reads_accounts_permissions_and_defaults_of_a_plain_acl_yml()
    {
        var warnings = new List<string>();

        var acl = PlainAclFile.Parse(AclBrokerFixture.AclFile.Split('\n'), "plain_acl.yml", warnings.Add);

        var reporter = acl.Accounts[AclBrokerFixture.Reporter];
        Assert.Equal(AclBrokerFixture.ReporterSecret, reporter.SecretKey);
        Assert.False(reporter.Admin);
        Assert.Equal(AclPermission.Pub | AclPermission.Sub, reporter.TopicPerm("tax-data-topic"));
        Assert.Equal(AclPermission.Sub, reporter.TopicPerm("audit-topic"));
        Assert.Equal(AclPermission.Deny, reporter.TopicPerm("anything-else"));
        Assert.Equal(AclPermission.Sub, reporter.GroupPerm("consumer-group"));
        Assert.True(acl.Accounts[AclBrokerFixture.Admin].Admin);
        Assert.Equal(AclBrokerFixture.AdminSecret, acl.Accounts[AclBrokerFixture.Admin].SecretKey);
        Assert.Contains(warnings, w => w.Contains("globalWhiteRemoteAddresses is not supported", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("accounts:\n  - accessKey: reporter1\n    secretKey: secret12\n    defaultTopicPerm: MAYBE", "line 4: permission 'MAYBE'")]
    [InlineData("accounts:\n  - accessKey: reporter1\n    secretKey: secret12\n    colour: blue", "line 4: unknown account key 'colour'")]
    [InlineData("accounts:\n  - accessKey: abc\n    secretKey: secret12", "line 2: account: accessKey is missing or shorter than 6")]
    [InlineData("users:\n  - accessKey: reporter1", "line 1: unknown top-level key 'users'")]
    [InlineData("accounts:\n  - accessKey: reporter1\n    secretKey: secret12\n  - accessKey: reporter1\n    secretKey: secret34", "line 4: account: access key 'reporter1' appears twice")]
    public void Rejects_a_bad_file_naming_the_line(string content, string expected)
    {
        var error = Assert.Throws<ConfigurationException>(() => PlainAclFile.Parse(content.Split('\n'), "plain_acl.yml", _ => { }));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
