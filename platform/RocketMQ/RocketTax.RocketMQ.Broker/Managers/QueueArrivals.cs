using System.Collections.Concurrent;
using RocketTax.RocketMQ.Broker.Store;

namespace RocketTax.RocketMQ.Broker.Managers;

/// <summary>
/// Wakes the long polls waiting for a queue: pulls, which name their queue, and POP receives, which name a queue or wait on
/// every queue of a topic (<see cref="AnyQueue"/>). Woken when the store makes new messages of the queue readable, and by
/// POP when an ack frees a FIFO queue held by its oldest message.
/// </summary>
public sealed class QueueArrivals : IDisposable
{
    /// <summary>The queue id that waits on every queue of the topic.</summary>
    public const int AnyQueue = -1;

    private readonly ConcurrentDictionary<(string Topic, int QueueId), TaskCompletionSource> _waiting = new();
    private readonly IMessageStore _store;

    public QueueArrivals(IMessageStore store)
    {
        _store = store;
        _store.MessagesArrived += Wake;
    }

    /// <summary>
    /// Completes when the queue (any queue of the topic for <see cref="AnyQueue"/>) is next woken; take it before looking,
    /// so a message appended between the look and the wait still wakes.
    /// </summary>
    public Task Next(string topic, int queueId) =>
        _waiting.GetOrAdd((topic, queueId), static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>
    /// Waits until <paramref name="arrival"/> (taken from <see cref="Next"/> before looking) completes or
    /// <paramref name="timeout"/> has passed, whichever is first: a long poll's wait between two looks.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async Task WaitAsync(Task arrival, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        await Task.WhenAny(arrival, Task.Delay(timeout, time, waiting.Token)).ConfigureAwait(false);
        await waiting.CancelAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>True once a long poll of the queue has looked and waits for it to be woken (until it is).</summary>
    public bool IsAwaited(string topic, int queueId) => _waiting.ContainsKey((topic, queueId));

    /// <summary>Wakes the waiters of the queue and those of any queue of its topic.</summary>
    public void Wake(string topic, int queueId)
    {
        Complete(topic, queueId);
        Complete(topic, AnyQueue);
    }

    public void Dispose() => _store.MessagesArrived -= Wake;

    private void Complete(string topic, int queueId)
    {
        if (_waiting.TryRemove((topic, queueId), out var arrival))
        {
            arrival.TrySetResult();
        }
    }
}
