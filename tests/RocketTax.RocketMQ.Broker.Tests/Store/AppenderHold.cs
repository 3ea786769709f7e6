using RocketTax.RocketMQ.Broker.Store;

namespace RocketTax.RocketMQ.Broker.Tests.Store;

/// <summary>
/// Holds the store's single appender inside the <see cref="IMessageStore.MessagesArrived"/> event of the next append,
/// so that later puts wait in the send queue behind it, as they do when a broker falls behind.
/// </summary>
public sealed class AppenderHold : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public AppenderHold(IMessageStore store) => store.MessagesArrived += OnArrived;

    /// <summary>Completes once the appender is held.</summary>
    public Task HeldAsync(CancellationToken cancellationToken) => _held.Task.WaitAsync(Limit, cancellationToken);

    public void Release() => _released.TrySetResult();

    public void Dispose() => Release();

    private void OnArrived(string topic, int queueId)
    {
        if (_held.TrySetResult())
        {
            // Bounded, so a failing test cannot leave the appender stuck for the rest of the run.
            _released.Task.Wait(Limit);
        }
    }
}
