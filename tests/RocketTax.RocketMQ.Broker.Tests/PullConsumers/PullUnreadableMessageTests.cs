using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RocketTax.RocketMQ.Broker.Managers;
using RocketTax.RocketMQ.Broker.Managers.Pull;
using RocketTax.RocketMQ.Broker.Store;
using RocketTax.RocketMQ.Broker.Tests.Store;
using Encoding = System.Text.Encoding;

namespace RocketTax.RocketMQ.Broker.Tests.PullConsumers;

/// <summary>
/// A pull (4.x PULL_MESSAGE and 5.x PullMessage share the puller) over a message whose stored bytes cannot be read: the
/// group passes over it and the log says so as it does for POP; a damaged stretch gives a bounded number of warnings.
/// </summary>
public sealed class PullUnreadableMessageTests : MessageStoreTestBase
{
    private const string Topic = "pull-unreadable";
    private const string Group = "pull-unreadable-group";

    [Fact]
    public async Task A_pull_passes_over_a_damaged_message_with_a_warning_naming_its_queue_offset()
    {
        var store = await OpenAsync();
        var damaged = await PutAsync(store, Message(Topic, 0, "damaged"));
        await PutAsync(store, Message(Topic, 0, "next"));
        DamageBody(damaged);
        var logger = new CapturingLogger<QueueMessageReader>();
        await using var broker = BrokerServices(store, replace: services => services.AddSingleton<ILogger<QueueMessageReader>>(logger));

        var result = broker.GetRequiredService<MessagePuller>().Pull(Group, Topic, 0, 0, 32, TagFilter.All);

        var message = Assert.Single(result.Messages);
        Assert.Equal("next", Encoding.UTF8.GetString(message.Body.Span));
        Assert.Equal(2, result.NextBeginOffset);
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Warning
            && e.Message.StartsWith($"Group {Group} passes over {Topic} queue 0 offset 0: its message at commit-log offset {damaged.CommitLogOffset}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_damaged_stretch_gives_at_most_the_warnings_a_minute_allows_and_says_that_the_rest_are_counted()
    {
        const int damagedCount = QueueMessageReader.WarningsPerMinute + 5;
        var store = await OpenAsync();
        for (var i = 0; i < damagedCount; i++)
        {
            DamageBody(await PutAsync(store, Message(Topic, 0, $"damaged {i}")));
        }

        var logger = new CapturingLogger<QueueMessageReader>();
        await using var broker = BrokerServices(store, replace: services => services.AddSingleton<ILogger<QueueMessageReader>>(logger));

        var result = broker.GetRequiredService<MessagePuller>().Pull(Group, Topic, 0, 0, 32, TagFilter.All);

        Assert.Empty(result.Messages);
        Assert.Equal(damagedCount, result.NextBeginOffset);
        var passedOver = logger.Entries.Where(e => e.Message.StartsWith($"Group {Group} passes over", StringComparison.Ordinal)).ToList();
        Assert.Equal(QueueMessageReader.WarningsPerMinute, passedOver.Count);
        Assert.Single(logger.Entries, e => e.Message.StartsWith($"{QueueMessageReader.WarningsPerMinute} unreadable messages passed over within a minute", StringComparison.Ordinal));
        Assert.Equal(10, WarningsContaining("failed its size, magic or CRC check"));
    }
}
