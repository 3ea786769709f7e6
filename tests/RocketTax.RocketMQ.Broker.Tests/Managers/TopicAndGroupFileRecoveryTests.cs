using Microsoft.Extensions.Logging.Abstractions;
using RocketTax.RocketMQ.Broker.Configuration;
using RocketTax.RocketMQ.Broker.Managers;
using RocketTax.RocketMQ.Broker.Tests.Store;

namespace RocketTax.RocketMQ.Broker.Tests.Managers;

/// <summary>
/// <c>topics.json</c> and <c>subscriptionGroups.json</c> keep their previous version as a <c>.bak</c>, which a restart
/// loads when the file is damaged; with both damaged the broker does not start rather than forget them.
/// </summary>
public sealed class TopicAndGroupFileRecoveryTests : MessageStoreTestBase
{
    private BrokerConfig Config => new() { StorePathRootDir = RootDir };

    private string TopicsFile => Path.Combine(RootDir, "config", "topics.json");

    private string GroupsFile => Path.Combine(RootDir, "config", "subscriptionGroups.json");

    [Fact]
    public void A_damaged_topics_file_is_replaced_by_its_backup()
    {
        var topics = NewTopics();
        topics.CreateOrUpdate(new TopicConfig("tax-data-topic", 8, TopicMessageType.Fifo));
        topics.CreateOrUpdate(new TopicConfig("another-topic", 2));
        File.WriteAllText(TopicsFile, "[{\"Name\":\"tax-data-topic\",\"Queue");

        var reopened = NewTopics();

        Assert.True(reopened.TryGet("tax-data-topic", out var topic));
        Assert.Equal(new TopicConfig("tax-data-topic", 8, TopicMessageType.Fifo), topic);
        Assert.False(reopened.TryGet("another-topic", out _));
    }

    [Fact]
    public void With_the_topics_file_and_its_backup_both_damaged_the_broker_does_not_start()
    {
        var topics = NewTopics();
        topics.CreateOrUpdate(new TopicConfig("tax-data-topic", 8));
        topics.CreateOrUpdate(new TopicConfig("another-topic", 2));
        File.WriteAllText(TopicsFile, "[{\"QueueCount\":8}]");
        File.WriteAllText(TopicsFile + ".bak", string.Empty);

        var thrown = Assert.Throws<ConfigurationException>(NewTopics);

        Assert.Contains(TopicsFile, thrown.Message, StringComparison.Ordinal);
        Assert.Contains("a topic without a name", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_damaged_groups_file_is_replaced_by_its_backup_and_both_damaged_stop_the_broker()
    {
        var groups = NewGroups();
        groups.CreateOrUpdate(new SubscriptionGroupConfig { GroupName = "province", ConsumeMessageOrderly = true });
        groups.CreateOrUpdate(new SubscriptionGroupConfig { GroupName = "city" });
        File.WriteAllText(GroupsFile, "[{\"groupName\":");

        Assert.True(NewGroups().IsOrderly("province"));

        // Loading the backup rewrote the file from it, so both copies must be damaged again.
        File.WriteAllText(GroupsFile, "[{\"groupName\":");
        File.WriteAllText(GroupsFile + ".bak", "not json");
        var thrown = Assert.Throws<ConfigurationException>(NewGroups);
        Assert.Contains(GroupsFile + ".bak", thrown.Message, StringComparison.Ordinal);
    }

    private TopicManager NewTopics() => new(Config, NullLogger<TopicManager>.Instance);

    private SubscriptionGroupManager NewGroups() => new(Config, NullLogger<SubscriptionGroupManager>.Instance);
}
