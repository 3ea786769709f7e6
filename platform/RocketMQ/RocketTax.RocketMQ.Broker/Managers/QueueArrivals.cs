using System.Collections.Concurrent;
using RocketTax.RocketMQ.Broker.Store;

namespace RocketTax.RocketMQ.Broker.Managers.Pull;

/// <summary>
/// Wakes long-polling pulls of one queue when the store makes new messages of it readable, as POP's long polling is woken
/// from the same store event (POP per topic, a pull per queue, since a pull names its queue).
/// </summary>
public sealed class QueueArrivals : IDisposable
{
    private readonly ConcurrentDictionary<(string Topic, int QueueId), TaskCompletionSource> _waiting = new();
    private readonly IMessageStore _store;

    public QueueArrivals(IMessageStore store)
    {
        _store = store;
        _store.MessagesArrived += OnMessagesArrived;
    }

    /// <summary>Completes when the next message of the queue becomes readable; take it before looking, so one appended in between still wakes.</summary>
    public Task Next(string topic, int queueId) =>
        _waiting.GetOrAdd((topic, queueId), static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>True once a pull of the queue has looked and waits for its next message (until one arrives).</summary>
    public bool IsAwaited(string topic, int queueId) => _waiting.ContainsKey((topic, queueId));

    public void Dispose() => _store.MessagesArrived -= OnMessagesArrived;

    private void OnMessagesArrived(string topic, int queueId)
    {
        if (_waiting.TryRemove((topic, queueId), out var arrival))
        {
            arrival.TrySetResult();
        }
    }
}
