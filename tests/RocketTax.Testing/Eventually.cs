namespace RocketTax.Testing;

/// <summary>
/// Polls a condition until it holds or a deadline passes: tests wait on what they observe, never on a fixed
/// sleep. A timeout names what was awaited.
/// </summary>
public static class Eventually
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    /// <summary>Waits until <paramref name="condition"/> holds; throws <see cref="TimeoutException"/> after <paramref name="within"/>.</summary>
    public static Task TrueAsync(Func<bool> condition, TimeSpan within, string what, CancellationToken cancellationToken) =>
        TrueAsync(() => Task.FromResult(condition()), within, what, cancellationToken);

    /// <summary>Waits until <paramref name="condition"/> holds; throws <see cref="TimeoutException"/> after <paramref name="within"/>.</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan within, string what, CancellationToken cancellationToken)
    {
        if (!await ValueAsync(_ => condition(), done => done, within, cancellationToken))
        {
            throw new TimeoutException($"Timed out after {within.TotalSeconds:0.#} s waiting for {what}.");
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds; the caller's token is the deadline, and its cancellation a <see cref="TimeoutException"/>.</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, string what, CancellationToken cancellationToken)
    {
        try
        {
            await ValueAsync(_ => condition(), done => done, Timeout.InfiniteTimeSpan, cancellationToken);
        }
        catch (OperationCanceledException ex)
        {
            throw new TimeoutException($"Timed out waiting for {what}.", ex);
        }
    }

    /// <summary>The first value of <paramref name="read"/> that satisfies <paramref name="done"/>, or the last one read when <paramref name="timeout"/> runs out.</summary>
    public static async Task<T> ValueAsync<T>(Func<CancellationToken, Task<T>> read, Func<T, bool> done, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        using var timer = new PeriodicTimer(Interval);
        var value = await read(cancellationToken);
        while (!done(value))
        {
            try
            {
                await timer.WaitForNextTickAsync(deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return value;
            }

            value = await read(cancellationToken);
        }

        return value;
    }
}
