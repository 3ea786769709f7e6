using System.Threading.Channels;

namespace RocketTax.RocketMQ.Client.Consumer;

/// <summary>
/// Coalesces a push consumer's acks: those settled while an AckMessage call is on the wire go to the broker together
/// in the next call (one per broker and topic). A busy consumer then makes one call per batch instead of one per
/// message, and an idle one still acks at once, since nothing waits for a batch to fill.
/// </summary>
internal sealed class AckBatcher(ConsumerCalls calls)
{
    /// <summary>Entries per AckMessage call at most.</summary>
    public const int MaxEntries = 64;

    private readonly Channel<PendingAck> _pending = Channel.CreateUnbounded<PendingAck>(new UnboundedChannelOptions { SingleReader = true });

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

    /// <summary>Sends the acks in batches until <see cref="Complete"/> was called and every ack was answered.</summary>
    public async Task RunAsync()
    {
        var batch = new List<PendingAck>(MaxEntries);
        while (await _pending.Reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
        {
            while (batch.Count < MaxEntries && _pending.Reader.TryRead(out var next))
            {
                batch.Add(next);
            }

            await Task.WhenAll(batch.GroupBy(a => (a.Message.Endpoint, a.Message.Topic)).Select(SendAsync)).ConfigureAwait(false);
            batch.Clear();
        }
    }

    /// <summary>Takes no more acks; <see cref="RunAsync"/> ends once those taken are answered.</summary>
    public void Complete() => _pending.Writer.TryComplete();

    private async Task SendAsync(IEnumerable<PendingAck> acks)
    {
        var batch = acks.ToList();
        try
        {
            var failures = await calls.AckAsync([.. batch.Select(a => a.Message)], CancellationToken.None).ConfigureAwait(false);
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
            foreach (var ack in batch)
            {
                ack.Acked.TrySetException(ex);
            }
        }
    }

    private sealed class PendingAck(MessageView message)
    {
        public MessageView Message { get; } = message;

        public TaskCompletionSource Acked { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
