using System.Collections.Concurrent;
using System.Text.Json;
using RocketTax.RocketMQ.Broker.Configuration;

namespace RocketTax.RocketMQ.Broker.Managers;

/// <summary>
/// The topics this broker serves, persisted in <c>config/topics.json</c> under the store root as a <see cref="ConfigFile"/>
/// (replaced atomically, the previous version kept as <c>topics.json.bak</c>).
/// </summary>
public sealed class TopicManager
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    private readonly ConcurrentDictionary<string, TopicConfig> _topics = new(StringComparer.Ordinal);
    private readonly BrokerConfig _config;
    private readonly ILogger<TopicManager> _logger;
    private readonly ConfigFile _file;
    private readonly Lock _persistLock = new();

    public TopicManager(BrokerConfig config, ILogger<TopicManager> logger)
    {
        _config = config;
        _logger = logger;
        _file = new ConfigFile(
            Path.Combine(config.StorePathRootDir, "config", "topics.json"),
            "its topics would be forgotten, and recreated on first use (if autoCreateTopicEnable allows) with the default queue count and type",
            logger);
        foreach (var topic in _file.Load(ReadTopics) ?? [])
        {
            _topics[topic.Name] = topic;
        }
    }

    /// <summary>Raised after a topic was created, changed or deleted.</summary>
    public event Action? TopicsChanged;

    public IReadOnlyCollection<TopicConfig> All => _topics.Values.ToArray();

    public bool TryGet(string topic, out TopicConfig config) => _topics.TryGetValue(topic, out config!);

    /// <summary>The topic, created with the default queue count when <c>autoCreateTopicEnable</c> allows it.</summary>
    public TopicConfig? GetOrAutoCreate(string topic)
    {
        if (_topics.TryGetValue(topic, out var existing))
        {
            return existing;
        }

        if (!_config.AutoCreateTopicEnable)
        {
            return null;
        }

        return AddIfMissing(new TopicConfig(topic, _config.DefaultTopicQueueNums));
    }

    /// <summary>
    /// A system topic such as <c>%DLQ%group</c> (one queue) or <c>%RETRY%group</c> (the group's retry queues), created on
    /// first use whatever <c>autoCreateTopicEnable</c> says.
    /// </summary>
    public TopicConfig GetOrCreateSystemTopic(string topic, int queueCount = 1) =>
        _topics.TryGetValue(topic, out var existing) ? existing : AddIfMissing(new TopicConfig(topic, queueCount));

    public TopicConfig CreateOrUpdate(TopicConfig topic)
    {
        _topics[topic.Name] = topic;
        _logger.LogInformation("Topic {Topic} now has {Queues} queues, type {Type}", topic.Name, topic.QueueCount, topic.MessageType);
        Persist();
        return topic;
    }

    /// <summary>Adds the topic unless it exists; a topic an admin created in the meantime keeps its queues and type.</summary>
    private TopicConfig AddIfMissing(TopicConfig created)
    {
        var actual = _topics.GetOrAdd(created.Name, created);
        if (ReferenceEquals(actual, created))
        {
            _logger.LogInformation("Topic {Topic} created on first use with {Queues} queue(s)", created.Name, created.QueueCount);
            Persist();
        }

        return actual;
    }

    public bool Delete(string topic)
    {
        if (!_topics.TryRemove(topic, out _))
        {
            return false;
        }

        _logger.LogInformation("Topic {Topic} deleted", topic);
        Persist();
        return true;
    }

    private static List<TopicConfig> ReadTopics(Stream stream)
    {
        var topics = JsonSerializer.Deserialize<List<TopicConfig>>(stream, JsonOptions) ?? [];
        return topics.Any(t => t is null || string.IsNullOrEmpty(t.Name))
            ? throw new InvalidDataException("a topic without a name; fix or remove the entry")
            : topics;
    }

    private void Persist()
    {
        lock (_persistLock)
        {
            // Written once per topic created, changed or deleted, not per message: the fsyncs (a few ms) delay only the
            // request that created the topic, and without them a power loss could take the topic back.
            var ordered = _topics.Values.OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
            _file.Write(stream => JsonSerializer.Serialize(stream, ordered, JsonOptions));
        }

        TopicsChanged?.Invoke();
    }
}
