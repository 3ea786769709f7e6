using System.Buffers;
using System.Threading.Channels;

namespace RocketTax.RocketMQ.Client.Transport;

/// <summary>
/// The one writer of a connection. Streams append frames to a pending buffer under a lock and return; a single
/// loop hands everything that piled up while its previous write was in flight to the socket in one write, so
/// concurrent calls share syscalls and no frame costs a task.
/// </summary>
internal sealed class Http2FrameWriter(Stream output)
{
    private readonly Lock _lock = new();
    private readonly Channel<bool> _flushes = Channel.CreateUnbounded<bool>(new UnboundedChannelOptions { SingleReader = true });
    private ArrayBufferWriter<byte> _pending = new(16 * 1024);
    private ArrayBufferWriter<byte> _sending = new(16 * 1024);
    private bool _flushQueued;

    /// <summary>Takes the lock for appending frames; disposing the batch releases it and schedules a flush.</summary>
    public Batch Start()
    {
        _lock.Enter();
        return new Batch(this);
    }

    /// <summary>Writes until <see cref="Complete"/> (after a last flush) or a write fails.</summary>
    public async Task RunAsync()
    {
        while (await _flushes.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            _flushes.Reader.TryRead(out _);
            ArrayBufferWriter<byte> batch;
            lock (_lock)
            {
                batch = _pending;
                _pending = _sending;
                _sending = batch;
                _flushQueued = false;
            }

            if (batch.WrittenCount > 0)
            {
                await output.WriteAsync(batch.WrittenMemory).ConfigureAwait(false);
                batch.ResetWrittenCount();
            }
        }
    }

    /// <summary>Ends the loop once what is pending went out.</summary>
    public void Complete() => _flushes.Writer.TryComplete();

    private void ReleaseAndFlush()
    {
        if (!_flushQueued && _pending.WrittenCount > 0)
        {
            _flushQueued = true;
            _flushes.Writer.TryWrite(true);
        }

        _lock.Exit();
    }

    /// <summary>Frames appended under the writer's lock.</summary>
    public readonly ref struct Batch(Http2FrameWriter writer)
    {
        public IBufferWriter<byte> Output => writer._pending;

        public void Dispose() => writer.ReleaseAndFlush();
    }
}
