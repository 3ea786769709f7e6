using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;
using RocketTax.RocketMQ.Broker.Diagnostics;

namespace RocketTax.RocketMQ.Broker.Store;

/// <summary>
/// The file-based <see cref="IMessageStore"/>: a segmented commit log under <c>commitlog/</c>, one consume queue per
/// topic queue under <c>consumequeue/</c>, and a <c>checkpoint</c>, laid out as RocketMQ's DefaultMessageStore.
/// </summary>
/// <remarks>
/// All appends go through one appender loop fed by a channel: it drains every waiting put, encodes the batch into one
/// pooled buffer, writes it with one syscall per segment and appends the consume-queue entries. Under ASYNC_FLUSH it
/// then publishes the new end so readers see it and answers the puts; under SYNC_FLUSH it hands the batch to the group
/// commit (<see cref="GroupCommitService"/>) and goes on with the next batch, while the group commit's thread fsyncs
/// every batch handed over since its last fsync at once, then publishes and answers them. Readers never take the
/// appender's path: they read the files directly, bounded by the published offsets. That channel is the broker's send
/// queue: producers' sends that waited in it too long, or find it full, are refused unstored
/// (<see cref="StoreBusyException"/>); the wait for an fsync happens after it and does not count.
/// <para>
/// Under SYNC_FLUSH consumers see a message only after its fsync, as they see it only after its send is answered: a
/// message a crash could still take back, or whose fsync failed and whose send is failed (and so sent again by its
/// producer), is never delivered. It costs consumers the fsync's latency, not the appender's throughput.
/// </para>
/// </remarks>
public sealed class MessageStore : IMessageStore
{
    private const int MaxBatchBytes = 4 * 1024 * 1024;
    private const int ReadAheadBytes = 4096;
    private const int MinSegmentSize = 4096;
    private const string CheckpointFileName = "checkpoint";
    private const string LockFileName = "lock";

    /// <summary>A damaged stretch read again and again (by every group passing over it) is logged this often a minute at most.</summary>
    private const int CorruptEntryWarningsPerMinute = 10;

    private readonly MessageStoreOptions _options;
    private readonly ILogger<MessageStore> _logger;
    private readonly TimeProvider _timeProvider;
    private readonly CommitLog _commitLog;
    private readonly ConsumeQueueTable _queues;
    private readonly SafeFileHandle _lockFile;
    private readonly string _checkpointPath;
    private readonly string _fencePath;
    private readonly byte[] _storeHost;
    private readonly bool _syncFlush;
    private readonly StoreTestHooks? _hooks;
    private readonly Channel<PutRequest> _requests = Channel.CreateUnbounded<PutRequest>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = false, AllowSynchronousContinuations = false });

    private readonly Lock _publishLock = new();
    private readonly Lock _flushLock = new();
    private readonly CancellationTokenSource _stopFlushing = new();
    private readonly StoreStatistics _statistics = new();
    private readonly WarningThrottle _corruptEntryWarnings;

    // Appender-only state, reused batch after batch so the hot path does not allocate.
    private readonly BatchBuffer _buffer = new(1024 * 1024);
    private readonly CommitGroup _batch = new();
    private readonly List<CommitLogWrite> _writes = [];
    private readonly List<(ConsumeQueue Queue, long FirstOffset)> _touched = [];
    private long _writeOffset;
    private CommitLogSegment? _activeSegment;
    private bool _cutPending;

    private long _committedOffset;
    private long _lastCheckpointOffset = -1;
    private int _queuedSends;
    private Task _appender = Task.CompletedTask;
    private Task _flusher = Task.CompletedTask;
    private GroupCommitService? _groupCommit;
    private int _disposed;

    private MessageStore(
        MessageStoreOptions options,
        ILogger<MessageStore> logger,
        TimeProvider timeProvider,
        CommitLog commitLog,
        ConsumeQueueTable queues,
        SafeFileHandle lockFile,
        long end,
        StoreTestHooks? hooks)
    {
        _options = options;
        _logger = logger;
        _timeProvider = timeProvider;
        _corruptEntryWarnings = new WarningThrottle(CorruptEntryWarningsPerMinute, TimeSpan.FromMinutes(1), timeProvider);
        _commitLog = commitLog;
        _queues = queues;
        _lockFile = lockFile;
        _checkpointPath = Path.Combine(options.StorePathRootDir, CheckpointFileName);
        _fencePath = Path.Combine(options.StorePathRootDir, CommitLogFence.FileName);
        _storeHost = Encoding.UTF8.GetBytes(options.StoreHost);
        _syncFlush = options.FlushDiskType == FlushDiskType.SyncFlush;
        _hooks = hooks;
        _writeOffset = end;
        _committedOffset = end;
        _activeSegment = commitLog.FindSegment(end);
        _statistics.CommitLogBytes = end - commitLog.MinOffset;
        _statistics.RecordFlushed(end);
    }

    /// <inheritdoc />
    public event Action<string, int>? MessagesArrived;

    /// <inheritdoc />
    public IReadOnlyCollection<(string Topic, int QueueId)> KnownQueues => [.. _queues.Keys];

    /// <inheritdoc />
    public StoreStatistics Statistics => _statistics;

    /// <summary>The end of the readable commit log (under SYNC_FLUSH also fsynced): every entry below it is readable.</summary>
    public long CommitLogMaxOffset => Volatile.Read(ref _committedOffset);

    /// <summary>
    /// The commit-log offset the appender writes its next batch at: ahead of <see cref="CommitLogMaxOffset"/> while
    /// SYNC_FLUSH's group commit fsyncs what was written.
    /// </summary>
    internal long AppendedOffset => Volatile.Read(ref _writeOffset);

    /// <inheritdoc />
    public long CommitLogMinOffset => _commitLog.MinOffset;

    /// <summary>Creates the folders, recovers the commit log and consume queues, and starts the appender and flush loops.</summary>
    public static Task<MessageStore> OpenAsync(
        MessageStoreOptions options,
        ILogger<MessageStore> logger,
        TimeProvider timeProvider,
        CancellationToken cancellationToken) =>
        OpenAsync(options, logger, timeProvider, hooks: null, cancellationToken);

    /// <summary>
    /// Opens the store as <see cref="OpenAsync(MessageStoreOptions, ILogger{MessageStore}, TimeProvider, CancellationToken)"/>
    /// does, calling <paramref name="hooks"/> before its disk operations: tests hold or fail them with it.
    /// </summary>
    internal static async Task<MessageStore> OpenAsync(
        MessageStoreOptions options,
        ILogger<MessageStore> logger,
        TimeProvider timeProvider,
        StoreTestHooks? hooks,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(timeProvider);
        Validate(options);

        // Recovery is synchronous file I/O; keep it off the caller's thread.
        var store = await Task.Run(() => Open(options, logger, timeProvider, hooks, cancellationToken), cancellationToken).ConfigureAwait(false);
        if (store._syncFlush)
        {
            store._groupCommit = GroupCommitService.Start(store.SyncGroup, store.Commit, store.FailGroup);
        }

        store._appender = Task.Run(store.RunAppenderAsync, CancellationToken.None);
        store._flusher = Task.Factory.StartNew(
            () => store.RunFlushLoop(store._stopFlushing.Token), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        return store;
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<PutResult>> PutMessagesAsync(IReadOnlyList<MessageRecord> messages, CancellationToken cancellationToken) =>
        EnqueueAsync(messages, isSend: false, cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<PutResult>> PutSendAsync(IReadOnlyList<MessageRecord> messages, CancellationToken cancellationToken) =>
        EnqueueAsync(messages, isSend: true, cancellationToken);

    /// <inheritdoc />
    public int QueuedSends => Volatile.Read(ref _queuedSends);

    /// <inheritdoc />
    public TimeSpan SendQueueHeadWait =>
        _requests.Reader.TryPeek(out var head) ? _timeProvider.GetElapsedTime(head.QueuedAt) : TimeSpan.Zero;

    private ValueTask<IReadOnlyList<PutResult>> EnqueueAsync(IReadOnlyList<MessageRecord> messages, bool isSend, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<IReadOnlyList<PutResult>>(cancellationToken);
        }

        if (messages.Count == 0)
        {
            return new ValueTask<IReadOnlyList<PutResult>>(Array.Empty<PutResult>());
        }

        // Measuring here (on the callers' threads, in parallel) rejects bad input before anything is written
        // and leaves the single appender only the encoding.
        var results = new PutResult[messages.Count];
        long totalBytes = 0;
        for (var i = 0; i < results.Length; i++)
        {
            var size = Measure(messages[i], i);
            results[i] = new PutResult(0, size, 0, 0);
            totalBytes += size;
        }

        if (isSend && Interlocked.Increment(ref _queuedSends) > _options.SendQueueCapacity)
        {
            var queued = Interlocked.Decrement(ref _queuedSends);
            return ValueTask.FromException<IReadOnlyList<PutResult>>(Busy(
                $"{queued} sends are already waiting, the most sendThreadPoolQueueCapacity={_options.SendQueueCapacity} allows", TimeSpan.Zero, queued));
        }

        var request = new PutRequest(messages, results, totalBytes, isSend, _timeProvider.GetTimestamp());
        if (!_requests.Writer.TryWrite(request))
        {
            if (isSend)
            {
                Interlocked.Decrement(ref _queuedSends);
            }

            throw new ObjectDisposedException(nameof(MessageStore), "The message store is closed; the messages were not stored.");
        }

        // Once queued the messages will be stored even if the caller stops waiting: cancellation only ends the wait.
        return cancellationToken.CanBeCanceled
            ? new ValueTask<IReadOnlyList<PutResult>>(request.Task.WaitAsync(cancellationToken))
            : new ValueTask<IReadOnlyList<PutResult>>(request.Task);
    }

    private StoreBusyException Busy(string reason, TimeSpan waited, int queued)
    {
        _statistics.RecordSendRefused();
        return new StoreBusyException(
            $"the broker is busy and did not store the send: {reason}; retry after a backoff or send to another broker", waited, queued);
    }

    /// <inheritdoc />
    public long GetMinOffset(string topic, int queueId) =>
        _queues.TryGet(topic, queueId, out var queue) ? queue.MinOffset : 0;

    /// <inheritdoc />
    public long GetMaxOffset(string topic, int queueId) =>
        _queues.TryGet(topic, queueId, out var queue) ? queue.MaxOffset : 0;

    /// <inheritdoc />
    public int ReadQueueEntries(string topic, int queueId, long fromOffset, Span<ConsumeQueueEntry> destination) =>
        _queues.TryGet(topic, queueId, out var queue) ? queue.Read(fromOffset, destination) : 0;

    /// <inheritdoc />
    public StoredMessage? ReadMessage(in ConsumeQueueEntry entry) =>
        entry.Size < CommitLogEntryCodec.MinEntryLength ? null : ReadMessageAt(entry.CommitLogOffset, entry.Size);

    /// <inheritdoc />
    public StoredMessage? ReadMessage(long commitLogOffset) => ReadMessageAt(commitLogOffset, size: 0);

    /// <inheritdoc />
    public ValueTask<int> DeleteExpiredSegmentsAsync(TimeSpan retention, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        cancellationToken.ThrowIfCancellationRequested();
        var cutoff = _timeProvider.GetUtcNow().UtcDateTime - retention;
        var deleted = _commitLog.DeleteExpired(cutoff);
        if (deleted == 0)
        {
            return new ValueTask<int>(0);
        }

        var minOffset = _commitLog.MinOffset;
        var queueFiles = 0;
        foreach (var queue in _queues.Queues)
        {
            queueFiles += queue.DeleteFilesBelow(minOffset);
        }

        _statistics.CommitLogBytes = Volatile.Read(ref _committedOffset) - minOffset;
        _logger.SegmentsDeleted(deleted, queueFiles, minOffset);
        return new ValueTask<int>(deleted);
    }

    /// <summary>Stops accepting puts, stores the ones already queued, fsyncs everything and writes the checkpoint.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _requests.Writer.TryComplete();
        await _appender.ConfigureAwait(false);
        if (_groupCommit is not null)
        {
            await _groupCommit.DisposeAsync().ConfigureAwait(false);
        }

        await _stopFlushing.CancelAsync().ConfigureAwait(false);
        await _flusher.ConfigureAwait(false);
        try
        {
            Flush();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _logger.FlushFailed(ex);
        }

        _queues.Dispose();
        _commitLog.Dispose();
        _buffer.Dispose();
        _lockFile.Dispose();
        _stopFlushing.Dispose();
    }

    private static void Validate(MessageStoreOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.StorePathRootDir))
        {
            throw new ArgumentException("storePathRootDir (StorePathRootDir) must name a folder.", nameof(options));
        }

        if (options.CommitLogSegmentSize < MinSegmentSize)
        {
            throw new ArgumentException(
                $"mappedFileSizeCommitLog (CommitLogSegmentSize) must be at least {MinSegmentSize} bytes, got {options.CommitLogSegmentSize}.", nameof(options));
        }

        if (options.MaxMessageSize <= 0)
        {
            throw new ArgumentException($"maxMessageSize (MaxMessageSize) must be positive, got {options.MaxMessageSize}.", nameof(options));
        }

        if (options.EffectiveFlushInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException($"flushIntervalCommitLog (FlushInterval) must be positive, got {options.EffectiveFlushInterval}.", nameof(options));
        }

        if (options.ConsumeQueueFileEntries <= 0)
        {
            throw new ArgumentException(
                $"mappedFileSizeConsumeQueue (ConsumeQueueFileEntries) must be positive, got {options.ConsumeQueueFileEntries}.", nameof(options));
        }

        if (options.SendQueueWaitLimit <= TimeSpan.Zero)
        {
            throw new ArgumentException(
                $"waitTimeMillsInSendQueue (SendQueueWaitLimit) must be positive, got {options.SendQueueWaitLimit}.", nameof(options));
        }

        if (options.SendQueueCapacity <= 0)
        {
            throw new ArgumentException(
                $"sendThreadPoolQueueCapacity (SendQueueCapacity) must be positive, got {options.SendQueueCapacity}.", nameof(options));
        }

        ArgumentNullException.ThrowIfNull(options.StoreHost);
    }

    private static MessageStore Open(
        MessageStoreOptions options,
        ILogger<MessageStore> logger,
        TimeProvider timeProvider,
        StoreTestHooks? hooks,
        CancellationToken cancellationToken)
    {
        var root = options.StorePathRootDir;
        Directory.CreateDirectory(root);
        var lockFile = LockStore(root);
        CommitLog? commitLog = null;
        ConsumeQueueTable? queues = null;
        try
        {
            commitLog = CommitLog.Open(Path.Combine(root, "commitlog"), options.CommitLogSegmentSize);
            queues = new ConsumeQueueTable(Path.Combine(root, "consumequeue"), options.ConsumeQueueFileEntries);
            var checkpointPath = Path.Combine(root, CheckpointFileName);
            var checkpoint = StoreCheckpoint.TryRead(checkpointPath);
            if (checkpoint is null && commitLog.Segments.Length > 0)
            {
                logger.CheckpointMissing(checkpointPath);
            }

            var fencePath = Path.Combine(root, CommitLogFence.FileName);
            var fence = CommitLogFence.TryRead(fencePath);
            var end = new StoreRecovery(commitLog, queues, checkpoint, fence, logger).Run(cancellationToken);
            if (fence is not null)
            {
                // Recovery cut the log at the fence; what is written from now on there is committed again.
                CommitLogFence.Remove(fencePath);
            }

            var store = new MessageStore(options, logger, timeProvider, commitLog, queues, lockFile, end, hooks);
            // Make what recovery rebuilt durable and record it, so the next start does not redo it.
            store.Flush();
            return store;
        }
        catch
        {
            queues?.Dispose();
            commitLog?.Dispose();
            lockFile.Dispose();
            throw;
        }
    }

    private static SafeFileHandle LockStore(string root)
    {
        var path = Path.Combine(root, LockFileName);
        try
        {
            // An exclusive handle is an OS lock: a second broker on the same folder would corrupt the log.
            return File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            throw new IOException(
                $"The message store in '{root}' is in use by another broker or MessageStore (cannot lock '{path}'); stop it or give this one its own storePathRootDir.", ex);
        }
    }

    private int Measure(MessageRecord message, int index)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!TopicName.IsValid(message.Topic))
        {
            throw new ArgumentException(
                $"Message {index} has an invalid topic '{message.Topic}': use 1 to {TopicName.MaxLength} characters from [%|a-zA-Z0-9_-].", "messages");
        }

        if (message.QueueId < 0)
        {
            throw new ArgumentException($"Message {index} of topic '{message.Topic}' has a negative queue id {message.QueueId}.", "messages");
        }

        if (message.Body.Length > _options.MaxMessageSize)
        {
            throw new ArgumentException(
                $"Message {index} of topic '{message.Topic}' has a {message.Body.Length}-byte body, over maxMessageSize ({_options.MaxMessageSize} bytes); send a smaller body or raise maxMessageSize in the broker config.",
                "messages");
        }

        ArgumentNullException.ThrowIfNull(message.Properties);
        ArgumentNullException.ThrowIfNull(message.BornHost);
        // Enumerating the concrete type avoids boxing an enumerator per message on the hot path.
        if (message.Properties is Dictionary<string, string> dictionary)
        {
            foreach (var (key, value) in dictionary)
            {
                CheckProperty(message, index, key, value);
            }
        }
        else
        {
            foreach (var (key, value) in message.Properties)
            {
                CheckProperty(message, index, key, value);
            }
        }

        var length = CommitLogEntryCodec.ComputeLength(message, _storeHost.Length);
        if (length > _options.CommitLogSegmentSize - CommitLogEntryCodec.BlankLength)
        {
            throw new ArgumentException(
                $"Message {index} of topic '{message.Topic}' takes {length} bytes in the commit log, more than a segment holds ({_options.CommitLogSegmentSize} bytes); send a smaller message or raise mappedFileSizeCommitLog.",
                "messages");
        }

        return length;
    }

    private static void CheckProperty(MessageRecord message, int index, string key, string value)
    {
        // The separators delimit the encoded map; letting them through would corrupt the properties on read.
        if (key.AsSpan().IndexOfAny(CommitLogEntryCodec.NameValueSeparator, CommitLogEntryCodec.PropertySeparator) >= 0
            || value.AsSpan().IndexOfAny(CommitLogEntryCodec.NameValueSeparator, CommitLogEntryCodec.PropertySeparator) >= 0)
        {
            throw new ArgumentException(
                $"Message {index} of topic '{message.Topic}' has property '{key}' containing \\u0001 or \\u0002, which RocketMQ reserves as separators.", "messages");
        }
    }

    private async Task RunAppenderAsync()
    {
        var reader = _requests.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            long bytes = 0;
            var now = _timeProvider.GetTimestamp();
            while (bytes < MaxBatchBytes && reader.TryRead(out var request))
            {
                if (request.IsSend && !Admit(request, now))
                {
                    continue;
                }

                _batch.Add(request);
                bytes += request.TotalBytes;
            }

            if (!_batch.IsEmpty)
            {
                AppendBatch();
                _batch.Clear();
            }
        }
    }

    /// <summary>
    /// The send queue's fast failure, as RocketMQ's broker cleans its send queue: a send that waited past the limit
    /// is answered at once, unstored, so a broker that has fallen behind sheds load instead of spending its time on
    /// sends whose producers have given up on them, or soon will.
    /// </summary>
    private bool Admit(PutRequest request, long now)
    {
        var queued = Interlocked.Decrement(ref _queuedSends);
        var waited = _timeProvider.GetElapsedTime(request.QueuedAt, now);
        if (waited <= _options.SendQueueWaitLimit)
        {
            return true;
        }

        request.TrySetException(Busy(
            $"the send waited {waited.TotalMilliseconds:0} ms in the send queue, over waitTimeMillsInSendQueue={_options.SendQueueWaitLimit.TotalMilliseconds:0} ms, with {queued} sends behind it",
            waited, queued));
        return false;
    }

    private void AppendBatch()
    {
        if (_groupCommit is not null && _groupCommit.TryTakeFailure(out _))
        {
            // The failed puts were answered by the group commit; cut their bytes off and write in their place.
            _cutPending = true;
        }

        if (_cutPending && !TryRewindToCommitted(out var cutFailure))
        {
            // Writing at the committed end behind the fence would let a restart cut these puts off after answering them.
            FailGroup(_batch, cutFailure);
            return;
        }

        var storeTimestamp = _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        var position = _writeOffset;
        var segment = _activeSegment;
        var bufferPosition = 0;
        var rangeStart = 0;
        var rangeFilePosition = segment is null ? 0 : position - segment.StartOffset;
        _writes.Clear();
        try
        {
            foreach (var request in _batch.Requests)
            {
                var messages = request.Messages;
                var results = request.Results;
                for (var i = 0; i < results.Length; i++)
                {
                    var size = results[i].Size;
                    if (segment is null || position + size + CommitLogEntryCodec.BlankLength > segment.EndOffset)
                    {
                        if (segment is not null)
                        {
                            // Every entry leaves room for the marker, so it always fits here.
                            CommitLogEntryCodec.EncodeBlank(
                                _buffer.GetSpan(bufferPosition, CommitLogEntryCodec.BlankLength), (int)(segment.EndOffset - position));
                            bufferPosition += CommitLogEntryCodec.BlankLength;
                            _writes.Add(new CommitLogWrite(segment, rangeFilePosition, rangeStart, bufferPosition - rangeStart));
                            position = segment.EndOffset;
                        }

                        segment = _commitLog.GetOrCreateSegment(position);
                        rangeStart = bufferPosition;
                        rangeFilePosition = 0;
                    }

                    var message = messages[i];
                    var queue = _queues.GetOrCreate(message.Topic, message.QueueId);
                    if (!queue.HasPending)
                    {
                        _touched.Add((queue, queue.NextOffset));
                    }

                    var queueOffset = queue.AssignOffset();
                    CommitLogEntryCodec.Encode(_buffer.GetSpan(bufferPosition, size), message, _storeHost, queueOffset, position, storeTimestamp);
                    queue.AddPending(queueOffset, position, size, TagHash.Of(message.Tag));
                    results[i] = new PutResult(position, size, queueOffset, storeTimestamp);
                    position += size;
                    bufferPosition += size;
                }
            }

            if (segment is not null && bufferPosition > rangeStart)
            {
                _writes.Add(new CommitLogWrite(segment, rangeFilePosition, rangeStart, bufferPosition - rangeStart));
            }

            foreach (var write in _writes)
            {
                _hooks?.BeforeWrite?.Invoke(write.Segment.StartOffset + write.FilePosition);
                RandomAccess.Write(write.Segment.Handle, _buffer.Array.AsSpan(write.BufferStart, write.Length), write.FilePosition);
                write.Segment.MarkDirty();
            }

            foreach (var (queue, _) in _touched)
            {
                queue.WritePending();
            }
        }
        catch (Exception ex)
        {
            // Nothing of the batch was published, and what of it reached the files is cut off before it is answered.
            foreach (var (queue, firstOffset) in _touched)
            {
                queue.Rollback(firstOffset);
            }

            _touched.Clear();
            CutFailedBatch();
            FailGroup(_batch, ex);
            return;
        }

        foreach (var (queue, _) in _touched)
        {
            _batch.AddQueueEnd(queue, queue.NextOffset);
        }

        _touched.Clear();
        _batch.Written(_writes, position, bufferPosition);
        if (_groupCommit is null)
        {
            Commit(_batch);
        }
        else if (!_groupCommit.TryHandOver(_batch, out var failure))
        {
            // An fsync failed while this batch was being written behind the bytes it left uncovered. Cut first: the
            // fence covers the batch's bytes already, but the cut is what remains should the fence have failed.
            _cutPending = true;
            TryRewindToCommitted(out _);
            FailGroup(_batch, failure);
            return;
        }

        Volatile.Write(ref _writeOffset, position);
        _activeSegment = segment;
    }

    /// <summary>
    /// Cuts the log at the start of a batch whose write failed part way (appender only): the whole entries that did reach
    /// the files, a full disk's prefix of the batch, would be recovered by a restart before the next batch wrote over
    /// them. Batches before it, still in the group commit under SYNC_FLUSH, end at or before that start and are kept.
    /// </summary>
    private void CutFailedBatch()
    {
        var start = Volatile.Read(ref _writeOffset);
        try
        {
            _commitLog.TruncateAt(start);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The next batch writes over them; until it does, a restart could recover them.
            _logger.CutFailed(ex, start);
        }

        _activeSegment = _commitLog.FindSegment(start);
    }

    /// <summary>
    /// Moves the appender back to the end of what was committed, after an fsync failed (appender only). By then every
    /// put written since that end has been failed, so no batch is in flight and the committed end is the durable one.
    /// The failed puts' entries are cut off the files, not only left to be overwritten: a restart before the next
    /// write would recover them. Their fence (<see cref="SyncGroup"/>) goes only once they are gone.
    /// </summary>
    /// <returns>False when the cut failed; the appender tries again before its next write.</returns>
    private bool TryRewindToCommitted([NotNullWhen(false)] out Exception? failure)
    {
        var end = Volatile.Read(ref _committedOffset);
        try
        {
            _commitLog.TruncateAt(end);
            CommitLogFence.Remove(_fencePath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _logger.CutFailed(ex, end);
            failure = ex;
            return false;
        }

        _cutPending = false;
        Volatile.Write(ref _writeOffset, end);
        _activeSegment = _commitLog.FindSegment(end);
        foreach (var queue in _queues.Queues)
        {
            queue.Rollback(queue.MaxOffset);
        }

        failure = null;
        return true;
    }

    /// <summary>SYNC_FLUSH's fsync of a group, on the group commit's thread.</summary>
    private void SyncGroup(CommitGroup group)
    {
        try
        {
            _hooks?.BeforeGroupCommitSync?.Invoke(group.EndOffset);
            group.SyncSegments();
        }
        catch
        {
            // Fenced before anyone learns of the failure: the puts are about to be answered as failed, while their
            // entries stay in the files, valid, until the appender cuts them off.
            FenceUncommitted();
            throw;
        }
    }

    /// <summary>Records durably that nothing past the committed end may be recovered (group commit's thread, after a failed fsync).</summary>
    private void FenceUncommitted()
    {
        var end = Volatile.Read(ref _committedOffset);
        try
        {
            CommitLogFence.Write(_fencePath, end);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The appender's cut still removes the entries; until it does, a kill -9 could bring them back.
            _logger.FenceFailed(ex, end);
        }
    }

    /// <summary>Makes a group's messages readable and answers its puts: on the appender, or the group commit's thread.</summary>
    private void Commit(CommitGroup group)
    {
        lock (_publishLock)
        {
            // The commit-log end first: readers take no lock, and one that sees a queue entry before the bytes it points
            // at are readable finds no message there, and a consumer moving on from it would never get that message.
            Volatile.Write(ref _committedOffset, group.EndOffset);
            group.PublishQueues();
        }

        _statistics.RecordPut(group.MessageCount, group.Bytes);
        _statistics.CommitLogBytes = group.EndOffset - _commitLog.MinOffset;
        if (_syncFlush)
        {
            _statistics.RecordFlushed(group.EndOffset);
        }

        group.Complete();
        RaiseMessagesArrived(group);
    }

    private void FailGroup(CommitGroup group, Exception exception)
    {
        _logger.AppendFailed(exception, group.MessageCount);
        var error = exception switch
        {
            IOException io when DiskFull.Is(io) => new IOException(
                $"The message store's disk is full ('{_options.StorePathRootDir}': {exception.Message}); the messages were not stored. Free disk space, then retry the send.", exception),
            IOException or UnauthorizedAccessException => new IOException(
                $"The message store could not write to '{_options.StorePathRootDir}': {exception.Message} The messages were not stored; retry the send.", exception),
            _ => exception,
        };
        group.Fail(error);
    }

    private void RaiseMessagesArrived(CommitGroup group)
    {
        var handler = MessagesArrived;
        if (handler is null)
        {
            return;
        }

        foreach (var queue in group.Queues)
        {
            try
            {
                handler(queue.Topic, queue.QueueId);
            }
            catch (Exception ex)
            {
                // A subscriber's bug must not stop the appender or the group commit, which every producer depends on.
                _logger.ArrivalHandlerFailed(ex, queue.Topic, queue.QueueId);
            }
        }
    }

    /// <summary>
    /// ASYNC_FLUSH's fsync every flush interval, on a thread of its own (as RocketMQ's flush service has one): an
    /// fsync blocks for milliseconds, at times tens of them, and on a thread-pool thread it would take one of a
    /// 2-core broker's two pool threads away from the requests for that long.
    /// </summary>
    private void RunFlushLoop(CancellationToken cancellationToken)
    {
        while (!cancellationToken.WaitHandle.WaitOne(_options.EffectiveFlushInterval))
        {
            try
            {
                Flush();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                _logger.FlushFailed(ex);
            }
        }

        // Cancelled: disposal does the final flush itself.
    }

    /// <summary>Fsyncs dirty commit-log and consume-queue files, then records the flushed offsets in the checkpoint.</summary>
    private void Flush()
    {
        lock (_flushLock)
        {
            long published;
            var queues = new List<(string Topic, int QueueId, long MaxOffset)>();
            lock (_publishLock)
            {
                // Taken together, so the checkpoint's offset and queue lengths describe the same moment.
                published = Volatile.Read(ref _committedOffset);
                if (published == _lastCheckpointOffset)
                {
                    return;
                }

                foreach (var queue in _queues.Queues)
                {
                    var max = queue.MaxOffset;
                    if (max > 0)
                    {
                        queues.Add((queue.Topic, queue.QueueId, max));
                    }
                }
            }

            _commitLog.FlushDirty();
            _statistics.RecordFlushed(published);
            _queues.FlushDirty();
            var timestamp = _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
            new StoreCheckpoint(published, published, timestamp, queues).Write(_checkpointPath);
            _lastCheckpointOffset = published;
        }
    }

    private StoredMessage? ReadMessageAt(long offset, int size)
    {
        var committed = Volatile.Read(ref _committedOffset);
        if (offset < _commitLog.MinOffset || offset + CommitLogEntryCodec.MinEntryLength > committed)
        {
            return null;
        }

        var length = size > 0 ? size : (int)Math.Min(ReadAheadBytes, committed - offset);
        if (offset + length > committed)
        {
            return null;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var read = _commitLog.Read(offset, buffer.AsSpan(0, length));
            if (read < CommitLogEntryCodec.MinEntryLength)
            {
                return null;
            }

            var totalSize = CommitLogEntryCodec.ReadTotalSize(buffer);
            if (CommitLogEntryCodec.ReadMagic(buffer) != CommitLogEntryCodec.MessageMagic
                || totalSize < CommitLogEntryCodec.MinEntryLength
                || offset + totalSize > committed
                || (size > 0 && totalSize != size))
            {
                // Not an entry start: a wrong offset from the caller, or a consume queue out of step with the log.
                return null;
            }

            if (totalSize > read)
            {
                ArrayPool<byte>.Shared.Return(buffer);
                buffer = ArrayPool<byte>.Shared.Rent(totalSize);
                read = _commitLog.Read(offset, buffer.AsSpan(0, totalSize));
                if (read < totalSize)
                {
                    return null;
                }
            }

            var entry = buffer.AsSpan(0, totalSize);
            if (!CommitLogEntryCodec.IsValid(entry, offset))
            {
                if (_corruptEntryWarnings.TryEnter(out var heldBack, out _, out _))
                {
                    _logger.CorruptEntry(offset, heldBack);
                }

                return null;
            }

            return CommitLogEntryCodec.Decode(entry);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
