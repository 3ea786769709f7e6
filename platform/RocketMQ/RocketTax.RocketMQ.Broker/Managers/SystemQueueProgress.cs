using System.Globalization;
using System.Text;
using RocketTax.RocketMQ.Broker.Store;

namespace RocketTax.RocketMQ.Broker.Managers;

/// <summary>
/// Which offsets of a broker-internal queue (the timer queue, the half-message queue) are done, kept as a
/// watermark (every offset below it is done) plus the done offsets above it. Appended as text lines and
/// written through to the OS at once, so a killed broker loses nothing; rewritten when it grows.
/// </summary>
public sealed class SystemQueueProgress : IDisposable
{
    private const long CompactThresholdBytes = 4L * 1024 * 1024;

    private readonly HashSet<long> _doneAbove = [];
    private readonly Lock _gate = new();
    private readonly string _path;
    private FileStream _file;
    private bool _disposed;

    public SystemQueueProgress(string path)
    {
        _path = path;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (File.Exists(path))
        {
            foreach (var line in File.ReadLines(path))
            {
                if (line.Length < 3 || !long.TryParse(line.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
                {
                    continue; // a torn last line from a crash
                }

                if (line[0] == 'W')
                {
                    Watermark = Math.Max(Watermark, offset);
                }
                else if (line[0] == 'D')
                {
                    _doneAbove.Add(offset);
                }
            }

            _doneAbove.RemoveWhere(o => o < Watermark);
            Advance();
        }

        _file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, 16 * 1024);
    }

    /// <summary>Every offset below this one is done.</summary>
    public long Watermark { get; private set; }

    public bool IsDone(long offset)
    {
        lock (_gate)
        {
            return offset < Watermark || _doneAbove.Contains(offset);
        }
    }

    /// <summary>Records offsets as done, in one write.</summary>
    public void MarkDone(IReadOnlyCollection<long> offsets)
    {
        if (offsets.Count == 0)
        {
            return;
        }

        var text = new StringBuilder(offsets.Count * 12);
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            foreach (var offset in offsets)
            {
                if (offset >= Watermark && _doneAbove.Add(offset))
                {
                    text.Append("D ").Append(offset.ToString(CultureInfo.InvariantCulture)).Append('\n');
                }
            }

            Advance();
            var bytes = Encoding.ASCII.GetBytes(text.ToString());
            _file.Write(bytes);
            _file.Flush();
            if (_file.Length > CompactThresholdBytes)
            {
                Compact();
            }
        }
    }

    public void MarkDone(long offset) => MarkDone([offset]);

    /// <summary>Moves the watermark past offsets nobody will ever mark done (e.g. the queue's start after retention).</summary>
    public void SkipTo(long offset)
    {
        lock (_gate)
        {
            if (offset > Watermark)
            {
                Watermark = offset;
                _doneAbove.RemoveWhere(o => o < offset);
                Advance();
            }
        }
    }

    /// <summary>Flushes to disk and closes; safe to call twice (the host disposes a service that is also a hosted service twice).</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _file.Flush(flushToDisk: true);
            _file.Dispose();
        }
    }

    private void Advance()
    {
        while (_doneAbove.Remove(Watermark))
        {
            Watermark++;
        }
    }

    private void Compact()
    {
        var text = new StringBuilder();
        text.Append("W ").Append(Watermark.ToString(CultureInfo.InvariantCulture)).Append('\n');
        foreach (var offset in _doneAbove)
        {
            text.Append("D ").Append(offset.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        // Once per 4 MB of progress, so its fsyncs cost nothing a request notices. (The appends themselves are not
        // fsynced: a power loss can undo the latest progress, which only makes the broker do those offsets again.)
        using (var compacted = AtomicFile.Begin(_path))
        {
            compacted.Stream.Write(Encoding.ASCII.GetBytes(text.ToString()));
            _file.Dispose();
            compacted.Replace();
        }

        _file = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.Read, 16 * 1024);
    }
}
