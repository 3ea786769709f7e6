using System.Globalization;
using System.Text;
using System.Threading.Channels;
using RocketTax.RocketMQ.Broker.Store;

namespace RocketTax.RocketMQ.Broker.Managers;

/// <summary>
/// Append-only record of consumer progress (pops, acks, invisible-time changes), replayed at start so
/// that an acked message stays acked and an un-acked one comes back after a restart. Each batch is
/// written through to the OS at once (a killed process loses nothing) and fsynced every flush interval;
/// the file is rewritten as a snapshot when it grows large. A failed write (a full disk) is retried until it
/// succeeds; meanwhile <see cref="Failure"/> says why and <see cref="EnsureAccepting"/> refuses new progress, so
/// the backlog kept in memory stays bounded and nothing is acknowledged that could not be recorded.
/// </summary>
public sealed class PopJournal : IAsyncDisposable
{
    private const long CompactThresholdBytes = 32L * 1024 * 1024;

    /// <summary>Records queued at most before <see cref="Append"/> refuses more.</summary>
    public const int DefaultMaxPendingRecords = 100_000;

    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(1);

    private readonly Channel<string> _records;
    private readonly int _maxPendingRecords;
    private readonly string _path;
    private readonly TimeSpan _fsyncInterval;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private Func<IEnumerable<string>>? _snapshot;
    private FileStream? _file;
    private Task? _writer;
    private volatile IOException? _failure;

    public PopJournal(
        string storeRoot, TimeSpan fsyncInterval, TimeProvider timeProvider, ILogger<PopJournal> logger, int maxPendingRecords = DefaultMaxPendingRecords)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPendingRecords, 1);
        _maxPendingRecords = maxPendingRecords;
        _records = Channel.CreateBounded<string>(new BoundedChannelOptions(maxPendingRecords) { SingleReader = true });
        _path = Path.Combine(storeRoot, "config", "pop.journal");
        _fsyncInterval = fsyncInterval;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>
    /// Reads every record written so far. A last line a crash cut short is first cut off the file: read, a torn
    /// <c>A ... 1234</c> could pass for an ack of offset 12, and left, it would run into the next append's line.
    /// </summary>
    public IEnumerable<JournalRecord> Replay()
    {
        if (!File.Exists(_path))
        {
            yield break;
        }

        CutTornLastLine();
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
        _file = OpenForAppend();
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>The write error the journal is retrying, or null while writes succeed.</summary>
    public IOException? Failure => _failure;

    /// <summary>Throws while a write is failing or the backlog is full: callers refuse the operation before changing state.</summary>
    public void EnsureAccepting()
    {
        if (_failure is { } failure)
        {
            throw Unavailable(failure);
        }

        if (_records.Reader.Count >= _maxPendingRecords)
        {
            throw Unavailable(null);
        }
    }

    /// <summary>Queues a record; throws <see cref="PopJournalUnavailableException"/> when the backlog is full.</summary>
    public void Append(string line)
    {
        if (!_records.Writer.TryWrite(line))
        {
            throw Unavailable(_failure);
        }
    }

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
        while (await _records.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            buffer.Clear();
            while (_records.Reader.TryRead(out var line))
            {
                buffer.Append(line).Append('\n');
            }

            var bytes = Encoding.UTF8.GetBytes(buffer.ToString());
            while (!TryWrite(bytes, ref lastSync))
            {
                await Task.Delay(RetryInterval, _timeProvider).ConfigureAwait(false);
            }
        }

        if (_file is not null)
        {
            _file.Flush(flushToDisk: true);
            await _file.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Writes one batch; on failure drops whatever part of it reached the file, so a retry never leaves a torn line.</summary>
    private bool TryWrite(byte[] bytes, ref long lastSync)
    {
        var goodLength = -1L;
        try
        {
            if (_file is null && _failure is not null && File.Exists(_path))
            {
                // Reopening after a failure whose partial write could not be cut off: never append to a torn line.
                CutTornLastLine();
            }

            _file ??= OpenForAppend();
            goodLength = _file.Length;
            _file.Write(bytes);
            _file.Flush();
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
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            DropFile(goodLength);
            if (_failure is null)
            {
                _logger.LogError(ex, "Writing consumer progress to {Path} failed; pops, acks and invisible-time changes are refused until it works again", _path);
            }

            _failure = ex as IOException ?? new IOException(ex.Message, ex);
            return false;
        }

        if (_failure is not null)
        {
            _failure = null;
            _logger.LogInformation("Writing consumer progress to {Path} works again", _path);
        }

        return true;
    }

    /// <summary>
    /// Closes the file after a failed write and cuts off what of the write reached it. Closed first: the stream still
    /// buffers the bytes the disk refused, and its own SetLength would try to write them again (and fail again) before
    /// cutting anything, leaving a torn line that the retried batch would be glued to.
    /// </summary>
    private void DropFile(long goodLength)
    {
        var file = _file;
        _file = null;
        if (file is null)
        {
            return;
        }

        CloseQuietly(file);
        if (goodLength < 0)
        {
            return;
        }

        try
        {
            using var handle = File.OpenHandle(_path, FileMode.Open, FileAccess.Write);
            RandomAccess.SetLength(handle, goodLength);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _logger.LogDebug(ex, "Cutting the failed write off {Path} failed; the next attempt cuts back to its last whole line first", _path);
        }
    }

    private void CloseQuietly(FileStream file)
    {
        try
        {
            // Closes the handle even when flushing the unwritten buffer fails; a leaked handle per retry would exhaust the process.
            file.Dispose();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _logger.LogDebug(ex, "Closing {Path} after a failed write could not flush its buffer", _path);
        }
    }

    private void CutTornLastLine()
    {
        using var handle = File.OpenHandle(_path, FileMode.Open, FileAccess.ReadWrite);
        var length = RandomAccess.GetLength(handle);
        var end = length;
        Span<byte> chunk = stackalloc byte[512];
        while (end > 0)
        {
            var size = (int)Math.Min(chunk.Length, end);
            RandomAccess.Read(handle, chunk[..size], end - size);
            var newline = chunk[..size].LastIndexOf((byte)'\n');
            if (newline >= 0)
            {
                end = end - size + newline + 1;
                break;
            }

            end -= size;
        }

        if (end < length)
        {
            RandomAccess.SetLength(handle, end);
            _logger.LogWarning("Cut a torn last record ({Bytes} bytes) off {Path}: its write was interrupted (a crash, or a disk that ran full)", length - end, _path);
        }
    }

    private FileStream OpenForAppend()
    {
        var file = new FileStream(_path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read, 64 * 1024);
        file.Seek(0, SeekOrigin.End);
        return file;
    }

    private PopJournalUnavailableException Unavailable(IOException? failure) => new(
        failure is null
            ? $"The broker cannot record consumer progress: {_records.Reader.Count} records wait to be written to '{_path}'. Retry shortly."
            : $"The broker cannot record consumer progress: writing '{_path}' fails ({failure.Message}). Free disk space; it recovers by itself.",
        failure);

    private void Compact()
    {
        // Once per 32 MB of records, so its fsyncs cost nothing a request notices. The rename must be durable: the
        // records appended (and fsynced) to the new file since would be lost if a power loss brought back the old one.
        using (var compacted = AtomicFile.Begin(_path))
        {
            using (var writer = new StreamWriter(compacted.Stream, new UTF8Encoding(false), leaveOpen: true))
            {
                foreach (var line in _snapshot!())
                {
                    writer.Write(line);
                    writer.Write('\n');
                }
            }

            _file!.Dispose();
            _file = null;
            compacted.Replace();
        }

        _file = OpenForAppend();
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
