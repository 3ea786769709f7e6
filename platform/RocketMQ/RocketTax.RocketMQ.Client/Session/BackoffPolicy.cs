using Apache.Rocketmq.V2;

namespace RocketTax.RocketMQ.Client.Session;

/// <summary>The server's retry policy: how many attempts, and how long to wait before the next one.</summary>
internal sealed record BackoffPolicy(int MaxAttempts, IReadOnlyList<TimeSpan> Delays, TimeSpan Initial, TimeSpan Max, double Multiplier)
{
    /// <summary>The official clients' producer default: 3 attempts, 10 ms doubling up to 1 s.</summary>
    public static BackoffPolicy DefaultProducer(int maxAttempts) =>
        new(maxAttempts, [], TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(1), 2);

    /// <summary>RocketMQ's consumer default until the server says otherwise: 17 attempts, 10 s then 30 s, 1 m ...</summary>
    public static BackoffPolicy DefaultConsumer { get; } = new(
        17,
        [TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2)],
        TimeSpan.Zero, TimeSpan.Zero, 1);

    /// <summary>The wait after attempt number <paramref name="attempt"/> (1-based) failed.</summary>
    public TimeSpan NextDelay(int attempt)
    {
        attempt = Math.Max(1, attempt);
        if (Delays.Count > 0)
        {
            return attempt > Delays.Count ? Delays[^1] : Delays[attempt - 1];
        }

        var delay = Initial.TotalMilliseconds * Math.Pow(Multiplier <= 0 ? 1 : Multiplier, attempt - 1);
        return TimeSpan.FromMilliseconds(Math.Min(delay, Max.TotalMilliseconds));
    }

    /// <summary>The policy the server sent; <paramref name="keepMaxAttempts"/> keeps the client's own attempt count (producers do).</summary>
    public static BackoffPolicy FromProtocol(RetryPolicy policy, int? keepMaxAttempts)
    {
        var maxAttempts = keepMaxAttempts ?? (policy.MaxAttempts > 0 ? policy.MaxAttempts : 1);
        return policy.StrategyCase switch
        {
            RetryPolicy.StrategyOneofCase.CustomizedBackoff when policy.CustomizedBackoff.Next.Count > 0 =>
                new BackoffPolicy(maxAttempts, [.. policy.CustomizedBackoff.Next.Select(d => d.ToTimeSpan())], TimeSpan.Zero, TimeSpan.Zero, 1),
            RetryPolicy.StrategyOneofCase.ExponentialBackoff => new BackoffPolicy(
                maxAttempts, [],
                policy.ExponentialBackoff.Initial?.ToTimeSpan() ?? TimeSpan.FromMilliseconds(10),
                policy.ExponentialBackoff.Max?.ToTimeSpan() ?? TimeSpan.FromSeconds(1),
                policy.ExponentialBackoff.Multiplier),
            _ => keepMaxAttempts is { } attempts ? DefaultProducer(attempts) : DefaultConsumer with { MaxAttempts = maxAttempts },
        };
    }
}
