using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using RocketTax.RocketMQ.Broker.Configuration;

namespace RocketTax.RocketMQ.Broker.Managers;

/// <summary>
/// The offsets consumer groups committed for pull-by-offset consumption (4.x push and pull consumers), one per group,
/// topic and queue: the offset of the next message the group wants. Kept in memory, written to
/// <c>config/consumerOffset.json</c> under the store root in RocketMQ's layout (<c>{"offsetTable":{"topic@group":{"0":42}}}</c>)
/// by <see cref="Persist"/> as a <see cref="ConfigFile"/>: replaced atomically, the previous version kept as
/// <c>consumerOffset.json.bak</c> and loaded from there when the file is damaged.
/// </summary>
/// <remarks>
/// POP consumption keeps its own progress (<see cref="PopManager"/>): there the broker decides what is done from acks it
/// journals, here the consumer says where it is. The two meet only in the views (consumer progress, lag).
/// </remarks>
public sealed class ConsumerOffsetManager
{
    private const char KeySeparator = '@';

    private readonly ConcurrentDictionary<ConsumerQueueKey, long> _offsets = new();
    private readonly Lock _persistLock = new();
    private readonly ConfigFile _file;
    private long _version;
    private long _persistedVersion;

    public ConsumerOffsetManager(BrokerConfig config, ILogger<ConsumerOffsetManager> logger)
    {
        // Without its offsets a group pulling by offset restarts from its consumeFromWhere position: from the first
        // message it re-consumes what it already processed, from the last it skips what it never did. Neither is safe
        // to do silently, so a broker with no usable copy of the file does not start (ConfigFile).
        _file = new ConfigFile(
            Path.Combine(config.StorePathRootDir, "config", "consumerOffset.json"),
            "every consumer group that pulls by offset would restart from its consumeFromWhere position, re-consuming or skipping messages",
            logger);
        foreach (var (key, offset) in _file.Load(ReadOffsets) ?? [])
        {
            _offsets[key] = offset;
        }
    }

    /// <summary>Records the group's offset on a queue; a negative offset is no offset and is ignored.</summary>
    public void Commit(ConsumerQueueKey key, long offset)
    {
        // A 4.x consumer commits with every pull, mostly the offset it committed before: that is no change to write.
        if (offset < 0 || (_offsets.TryGetValue(key, out var committed) && committed == offset))
        {
            return;
        }

        _offsets[key] = offset;
        Interlocked.Increment(ref _version);
    }

    /// <summary>The offset the group committed on the queue, or null when it never committed one.</summary>
    public long? Query(ConsumerQueueKey key) => _offsets.TryGetValue(key, out var offset) ? offset : null;

    /// <summary>Every committed offset (for consumer progress and lag).</summary>
    public IReadOnlyList<(ConsumerQueueKey Key, long Offset)> All() => [.. _offsets.Select(pair => (pair.Key, pair.Value))];

    /// <summary>Groups that committed an offset on the topic.</summary>
    public IReadOnlyCollection<string> GroupsOf(string topic) =>
        [.. _offsets.Keys.Where(k => k.Topic == topic).Select(k => k.Group).Distinct()];

    /// <summary>Writes the offsets to disk if they changed since the last write.</summary>
    public void Persist()
    {
        lock (_persistLock)
        {
            var version = Interlocked.Read(ref _version);
            if (version == _persistedVersion)
            {
                return;
            }

            var table = new SortedDictionary<string, SortedDictionary<string, long>>(StringComparer.Ordinal);
            foreach (var (key, offset) in _offsets)
            {
                var name = key.Topic + KeySeparator + key.Group;
                if (!table.TryGetValue(name, out var queues))
                {
                    table[name] = queues = new SortedDictionary<string, long>(StringComparer.Ordinal);
                }

                queues[key.QueueId.ToString(CultureInfo.InvariantCulture)] = offset;
            }

            // Written every flush interval (5 s) at most, off the request path: the fsyncs cost nothing a consumer waits for.
            _file.Write(stream => JsonSerializer.Serialize(stream, new OffsetFile { OffsetTable = table }, OffsetFile.JsonOptions));
            _persistedVersion = version;
        }
    }

    /// <summary>Parses the file whole before any offset is used, so a damaged file contributes nothing next to its backup.</summary>
    private static List<(ConsumerQueueKey Key, long Offset)> ReadOffsets(Stream stream)
    {
        var offsets = new List<(ConsumerQueueKey, long)>();
        var stored = JsonSerializer.Deserialize<OffsetFile>(stream, OffsetFile.JsonOptions);
        foreach (var (name, queues) in stored?.OffsetTable ?? [])
        {
            // Topics cannot hold '@' and groups can, so the topic ends at the first one.
            var at = name.IndexOf(KeySeparator, StringComparison.Ordinal);
            if (at <= 0)
            {
                throw new InvalidDataException($"'{name}' is not a 'topic@group' key; fix or remove the entry");
            }

            foreach (var (queueId, offset) in queues)
            {
                if (!int.TryParse(queueId, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id))
                {
                    throw new InvalidDataException($"'{queueId}' under '{name}' is not a queue id; fix or remove the entry");
                }

                offsets.Add((new ConsumerQueueKey(name[(at + 1)..], name[..at], id), offset));
            }
        }

        return offsets;
    }

    /// <summary>The file's shape, RocketMQ's <c>consumerOffset.json</c>.</summary>
    private sealed class OffsetFile
    {
        public static readonly JsonSerializerOptions JsonOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true };

        public SortedDictionary<string, SortedDictionary<string, long>> OffsetTable { get; init; } = new(StringComparer.Ordinal);
    }
}
