namespace RocketTax.Tests;

/// <summary>Polls a condition until it holds or a deadline passes: the test's wait, never a fixed sleep.</summary>
public static class Eventually
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    /// <summary>The first value of <paramref name="read"/> that satisfies <paramref name="done"/>, or the last one read when time runs out.</summary>
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
