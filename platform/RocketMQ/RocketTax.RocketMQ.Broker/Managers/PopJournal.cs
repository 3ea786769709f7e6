using System.Globalization;
using System.Text;
using System.Threading.Channels;

namespace RocketTax.RocketMQ.Broker.Managers;

/// <summary>
/// Append-only record of consumer progress (pops, acks, invisible-time changes), replayed at start so
/// that an acked message stays acked and an un-acked one comes back after a restart. Each batch is
/// written through to the OS at once (a killed process loses nothing) and fsynced every flush interval;
/// the file is rewritten as a snapshot when it grows large.
/// </summary>
public sealed class PopJournal : IAsyncDisposable
{
    private const long CompactThresholdBytes = 32L * 1024 * 1024;

    private readonly Channel<string> _records = Channel.CreateUnbounded<string>(new() { SingleReader = true });
    private readonly string _path;
    private readonly TimeSpan _fsyncInterval;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private Func<IEnumerable<string>>? _snapshot;
    private FileStream? _file;
    private Task? _writer;

    public PopJournal(string storeRoot, TimeSpan fsyncInterval, TimeProvider timeProvider, ILogger<PopJournal> logger)
    {
        _path = Path.Combine(storeRoot, "config", "pop.journal");
        _fsyncInterval = fsyncInterval;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>Reads every record written so far; a torn last line from a crash is skipped.</summary>
    public IEnumerable<JournalRecord> Replay()
    {
        if (!File.Exists(_path))
        {
            yield break;
        }

        foreach (var line in File.ReadLines(_path))
        {
            if (JournalRecord.TryParse(line, out var record))
            {
                yield return record;
            }
        }
    }

    /// <summary>Starts writing; <paramref name="snapshot"/> yields the lines that describe the whole current state.</summary>
    public void Start(Func<IEnumerable<string>> snapshot)
    {
        _snapshot = snapshot;
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        _file = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.Read, 64 * 1024);
        _writer = Task.Run(WriteLoopAsync);
    }

    public void Append(string line) => _records.Writer.TryWrite(line);

    public async ValueTask DisposeAsync()
    {
        _records.Writer.TryComplete();
        if (_writer is not null)
        {
            await _writer.ConfigureAwait(false);
        }
    }

    private async Task WriteLoopAsync()
    {
        var lastSync = _timeProvider.GetTimestamp();
        var buffer = new StringBuilder();
        try
        {
            while (await _records.Reader.WaitToReadAsync().ConfigureAwait(false))
            {
                buffer.Clear();
                while (_records.Reader.TryRead(out var line))
                {
                    buffer.Append(line).Append('\n');
                }

                var bytes = Encoding.UTF8.GetBytes(buffer.ToString());
                await _file!.WriteAsync(bytes).ConfigureAwait(false);
                await _file.FlushAsync().ConfigureAwait(false);
                if (_timeProvider.GetElapsedTime(lastSync) >= _fsyncInterval)
                {
                    _file.Flush(flushToDisk: true);
                    lastSync = _timeProvider.GetTimestamp();
                }

                if (_file.Length > CompactThresholdBytes)
                {
                    Compact();
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _logger.LogError(ex, "Writing consumer progress to {Path} failed; progress since then is kept in memory only", _path);
        }
        finally
        {
            if (_file is not null)
            {
                _file.Flush(flushToDisk: true);
                await _file.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private void Compact()
    {
        var temp = _path + ".compact";
        using (var writer = new StreamWriter(temp, append: false, new UTF8Encoding(false)))
        {
            foreach (var line in _snapshot!())
            {
                writer.Write(line);
                writer.Write('\n');
            }

            writer.Flush();
            ((FileStream)writer.BaseStream).Flush(flushToDisk: true);
        }

        _file!.Dispose();
        File.Move(temp, _path, overwrite: true);
        _file = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.Read, 64 * 1024);
        _logger.LogInformation("Consumer progress journal compacted to {Bytes} bytes", _file.Length);
    }

    /// <summary>Formats a pop (or invisible-time change): the offset is in flight with this attempt and visibility.</summary>
    public static string Pop(ConsumerQueueKey key, long offset, int attempt, long visibleAt, long popTime) =>
        string.Create(CultureInfo.InvariantCulture, $"P {key.Group} {key.Topic} {key.QueueId} {offset} {attempt} {visibleAt} {popTime}");

    /// <summary>Formats an ack: the offset is done.</summary>
    public static string Ack(ConsumerQueueKey key, long offset) =>
        string.Create(CultureInfo.InvariantCulture, $"A {key.Group} {key.Topic} {key.QueueId} {offset}");

    /// <summary>Formats an advance of the next offset to hand out (messages skipped by the filter are done).</summary>
    public static string Next(ConsumerQueueKey key, long nextOffset) =>
        string.Create(CultureInfo.InvariantCulture, $"N {key.Group} {key.Topic} {key.QueueId} {nextOffset}");
}
