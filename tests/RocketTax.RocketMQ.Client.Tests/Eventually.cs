namespace RocketTax.RocketMQ.Client.Tests;

/// <summary>Polls a condition until it holds or a deadline passes: tests wait on what they observe, never on a sleep.</summary>
public static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, TimeSpan within, string what, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + within;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out after {within.TotalSeconds:0} s waiting for {what}.");
            }

            await Task.Delay(50, cancellationToken);
        }
    }
}
