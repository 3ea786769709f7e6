namespace RocketTax.Chaos.Harness;

/// <summary>Waits for a condition with a deadline, failing with what was seen last.</summary>
public static class Poll
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    public static Task UntilAsync(Func<bool> condition, TimeSpan within, Func<string> describe, CancellationToken cancellationToken) =>
        UntilAsync(() => Task.FromResult(condition()), within, describe, cancellationToken);

    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan within, Func<string> describe, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + within;
        while (!await condition())
        {
            if (DateTime.UtcNow >= deadline)
            {
                Assert.Fail($"Not reached within {within.TotalSeconds:0.#} s: {describe()}");
            }

            await Task.Delay(Interval, cancellationToken);
        }
    }
}
