using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RocketTax.RocketMQ.Broker.Managers;
using RocketTax.RocketMQ.Broker.Store;
using RocketTax.RocketMQ.Broker.Tests.Store;
using Encoding = System.Text.Encoding;

namespace RocketTax.RocketMQ.Broker.Tests.Messaging;

/// <summary>A message whose stored bytes cannot be read: the group passes over it, says so in the log, and gets the next one.</summary>
public sealed class PopUnreadableMessageTests : MessageStoreTestBase
{
    private const string Topic = "pop-unreadable";
    private const string Group = "pop-unreadable-group";

    [Fact]
    public async Task A_damaged_message_is_passed_over_with_a_warning_naming_its_queue_offset()
    {
        var store = await OpenAsync();
        var damaged = await PutAsync(store, Message(Topic, 0, "damaged"));
        await PutAsync(store, Message(Topic, 0, "next"));
        DamageBody(damaged);
        var logger = new CapturingLogger<QueueMessageReader>();
        await using var broker = BrokerServices(store, replace: services => services.AddSingleton<ILogger<QueueMessageReader>>(logger));
        var topic = broker.GetRequiredService<TopicManager>().CreateOrUpdate(new TopicConfig(Topic, 1));

        var popped = await broker.GetRequiredService<PopManager>()
            .PopAsync(Group, topic, 0, TagFilter.All, 2, TimeSpan.FromMinutes(1), TimeSpan.Zero, Ct);

        var message = Assert.Single(popped);
        Assert.Equal("next", Encoding.UTF8.GetString(message.Message.Body.Span));
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Warning
            && e.Message.StartsWith($"Group {Group} passes over {Topic} queue 0 offset 0: its message at commit-log offset {damaged.CommitLogOffset}", StringComparison.Ordinal));
    }
}
