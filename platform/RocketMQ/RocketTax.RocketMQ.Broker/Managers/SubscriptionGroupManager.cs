using System.Collections.Concurrent;
using System.Text.Json;
using RocketTax.RocketMQ.Broker.Configuration;
using RocketTax.RocketMQ.Remoting;

namespace RocketTax.RocketMQ.Broker.Managers;

/// <summary>
/// Consumer groups configured on this broker, persisted in <c>config/subscriptionGroups.json</c> under the store root as
/// a <see cref="ConfigFile"/> (replaced atomically, the previous version kept as <c>subscriptionGroups.json.bak</c>).
/// A group nobody configured behaves as RocketMQ's default: concurrent, <c>defaultRetryMaxTimes</c> retries.
/// </summary>
public sealed class SubscriptionGroupManager
{
    private static readonly JsonSerializerOptions JsonOptions = new(RemotingJson.Options) { WriteIndented = true };

    private readonly ConcurrentDictionary<string, SubscriptionGroupConfig> _groups = new(StringComparer.Ordinal);
    private readonly BrokerConfig _config;
    private readonly ILogger<SubscriptionGroupManager> _logger;
    private readonly ConfigFile _file;
    private readonly Lock _persistLock = new();

    public SubscriptionGroupManager(BrokerConfig config, ILogger<SubscriptionGroupManager> logger)
    {
        _config = config;
        _logger = logger;
        _file = new ConfigFile(
            Path.Combine(config.StorePathRootDir, "config", "subscriptionGroups.json"),
            "its consumer groups would be forgotten: orderly groups consumed concurrently, retry counts and consumeEnable back to the defaults",
            logger);
        foreach (var group in _file.Load(ReadGroups) ?? [])
        {
            _groups[group.GroupName] = group;
        }
    }

    public IReadOnlyCollection<SubscriptionGroupConfig> All => _groups.Values.ToArray();

    /// <summary>The group's configuration, or the defaults for a group nobody configured.</summary>
    public SubscriptionGroupConfig Get(string group) =>
        _groups.TryGetValue(group, out var config) ? config : new SubscriptionGroupConfig { GroupName = group, RetryMaxTimes = _config.DefaultRetryMaxTimes };

    /// <summary>True for a group configured with <c>consumeMessageOrderly</c> (<c>updateSubGroup -o true</c>).</summary>
    public bool IsOrderly(string group) => _groups.TryGetValue(group, out var config) && config.ConsumeMessageOrderly;

    public SubscriptionGroupConfig CreateOrUpdate(SubscriptionGroupConfig group)
    {
        _groups[group.GroupName] = group;
        _logger.LogInformation(
            "Consumer group {Group} now orderly={Orderly}, retryMaxTimes={RetryMaxTimes}, consumeEnable={ConsumeEnable}",
            group.GroupName, group.ConsumeMessageOrderly, group.RetryMaxTimes, group.ConsumeEnable);
        lock (_persistLock)
        {
            // Written only when an admin changes a group: the fsyncs cost that command a few ms.
            var ordered = _groups.Values.OrderBy(g => g.GroupName, StringComparer.Ordinal).ToList();
            _file.Write(stream => JsonSerializer.Serialize(stream, ordered, JsonOptions));
        }

        return group;
    }

    private static List<SubscriptionGroupConfig> ReadGroups(Stream stream)
    {
        var groups = JsonSerializer.Deserialize<List<SubscriptionGroupConfig>>(stream, JsonOptions) ?? [];
        return groups.Any(g => g is null || string.IsNullOrEmpty(g.GroupName))
            ? throw new InvalidDataException("a consumer group without a name; fix or remove the entry")
            : groups;
    }
}
