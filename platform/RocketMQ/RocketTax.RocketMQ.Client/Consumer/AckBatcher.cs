using System.Threading.Channels;
using RocketTax.RocketMQ.Client.Session;

namespace RocketTax.RocketMQ.Client.Consumer;

/// <summary>
/// Coalesces a push consumer's acks: those settled while an AckMessage call is on the wire go to the broker together
/// in the next call. A busy consumer then makes one call per batch instead of one per message, and an idle one still
/// acks at once, since nothing waits for a batch to fill. Each broker and topic is a lane of its own, one call in flight
/// at a time, so a broker that stalls holds back only its own acks, never another broker's.
/// </summary>
internal sealed class AckBatcher(Func<IReadOnlyList<MessageView>, Task<RocketMQException?[]>> ack)
{
    /// <summary>Entries per AckMessage call at most.</summary>
    public const int MaxEntries = 64;

    private readonly Channel<PendingAck> _pending = Channel.CreateUnbounded<PendingAck>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Dictionary<(EndpointAddress Endpoint, string Topic), Lane> _lanes = [];

    /// <summary>Acks <paramref name="message"/> with the next batch; completes when its broker accepted it, or faults with its refusal.</summary>
    /// <exception cref="InvalidOperationException">The batcher was completed.</exception>
    public Task AckAsync(MessageView message)
    {
        var pending = new PendingAck(message);
        if (!_pending.Writer.TryWrite(pending))
        {
            throw new InvalidOperationException("Acks are no longer sent: the consumer has stopped.");
        }

        return pending.Acked.Task;
    }

    /// <summary>Hands the acks to their lanes until <see cref="Complete"/> was called, then waits for every ack to be answered.</summary>
    public async Task RunAsync()
    {
        await foreach (var pending in _pending.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
        {
            var key = (pending.Message.Endpoint, pending.Message.Topic);
            if (!_lanes.TryGetValue(key, out var lane))
            {
                _lanes[key] = lane = new Lane(ack);
            }

            lane.Add(pending);
        }

        await Task.WhenAll(_lanes.Values.Select(l => l.Sending)).ConfigureAwait(false);
    }

    /// <summary>Takes no more acks; <see cref="RunAsync"/> ends once those taken are answered.</summary>
    public void Complete() => _pending.Writer.TryComplete();

    /// <summary>The acks of one broker and topic: sent in batches, one call at a time, while any are waiting.</summary>
    private sealed class Lane(Func<IReadOnlyList<MessageView>, Task<RocketMQException?[]>> ack)
    {
        private readonly Queue<PendingAck> _waiting = new();
        private Task _sending = Task.CompletedTask;
        private bool _busy;

        /// <summary>The sending that runs while acks wait; done when the lane is idle.</summary>
        public Task Sending
        {
            get
            {
                lock (_waiting)
                {
                    return _sending;
                }
            }
        }

        public void Add(PendingAck pending)
        {
            lock (_waiting)
            {
                _waiting.Enqueue(pending);
                if (!_busy)
                {
                    _busy = true;
                    _sending = Task.Run(SendWhileWaitingAsync);
                }
            }
        }

        private async Task SendWhileWaitingAsync()
        {
            while (true)
            {
                var batch = new List<PendingAck>(MaxEntries);
                lock (_waiting)
                {
                    while (batch.Count < MaxEntries && _waiting.TryDequeue(out var next))
                    {
                        batch.Add(next);
                    }

                    if (batch.Count == 0)
                    {
                        _busy = false;
                        return;
                    }
                }

                await SendAsync(batch).ConfigureAwait(false);
            }
        }

        private async Task SendAsync(List<PendingAck> batch)
        {
            try
            {
                var failures = await ack([.. batch.Select(a => a.Message)]).ConfigureAwait(false);
                for (var i = 0; i < batch.Count; i++)
                {
                    if (failures[i] is { } refusal)
                    {
                        batch[i].Acked.TrySetException(refusal);
                    }
                    else
                    {
                        batch[i].Acked.TrySetResult();
                    }
                }
            }
            catch (Exception ex)
            {
                // The call failed as a whole: each waiting settle sees the failure and decides (retry or log) for its message.
                foreach (var pending in batch)
                {
                    pending.Acked.TrySetException(ex);
                }
            }
        }
    }

    private sealed class PendingAck(MessageView message)
    {
        public MessageView Message { get; } = message;

        public TaskCompletionSource Acked { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
