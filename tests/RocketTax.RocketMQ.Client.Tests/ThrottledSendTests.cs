using System.Diagnostics;

namespace RocketTax.RocketMQ.Client.Tests;

/// <summary>
/// A producer facing a throttling broker (TOO_MANY_REQUESTS): it backs off by the server's exponential policy and
/// tries again, on the other broker of the route, within its attempt budget; it neither isolates the broker nor
/// queries routes again, which would add load to a broker that is shedding it.
/// </summary>
public sealed class ThrottledSendTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 60_000)]
    public async Task Throttled_send_is_retried_after_the_servers_backoff_and_succeeds()
    {
        await using var broker = await ThrottlingBroker.StartAsync(throttled: 2, Ct);
        await using var producer = new Producer(new ProducerOptions { Endpoints = broker.Endpoint, Topics = ["throttled-topic"] });
        await producer.StartAsync(Ct);

        var receipt = await producer.SendAsync(new Message("throttled-topic", "a tax report"), Ct);
        var again = await producer.SendAsync(new Message("throttled-topic", "the next one"), Ct);

        Assert.False(string.IsNullOrEmpty(receipt.MessageId));
        Assert.NotEqual(receipt.MessageId, again.MessageId);
        var attempts = broker.Calls.SendAttempts.ToArray();
        Assert.Equal(4, attempts.Length);
        // Each attempt goes to the other broker of the route.
        Assert.NotEqual(attempts[0].QueueId, attempts[1].QueueId);
        Assert.NotEqual(attempts[1].QueueId, attempts[2].QueueId);
        // The server's backoff: 40 ms after the first refusal, 80 ms after the second (less a timer's rounding).
        Assert.InRange(Stopwatch.GetElapsedTime(attempts[0].Timestamp, attempts[1].Timestamp), ThrottlingBroker.BackoffInitial * 0.9, TimeSpan.MaxValue);
        Assert.InRange(Stopwatch.GetElapsedTime(attempts[1].Timestamp, attempts[2].Timestamp), ThrottlingBroker.BackoffInitial * 2 * 0.9, TimeSpan.MaxValue);
        // Throttling is no sign of a stale route: the one fetched at start still serves.
        Assert.Equal(1, broker.Calls.RouteQueries);
    }

    [Fact(Timeout = 60_000)]
    public async Task Send_throttled_on_every_attempt_fails_with_TOO_MANY_REQUESTS_after_the_attempt_budget()
    {
        await using var broker = await ThrottlingBroker.StartAsync(throttled: int.MaxValue, Ct);
        await using var producer = new Producer(new ProducerOptions { Endpoints = broker.Endpoint, Topics = ["throttled-topic"], MaxAttempts = 3 });
        await producer.StartAsync(Ct);

        var error = await Assert.ThrowsAsync<RocketMQException>(() => producer.SendAsync(new Message("throttled-topic", "a tax report"), Ct));

        Assert.True(error.IsThrottled);
        Assert.Equal(42900, error.StatusCode);
        Assert.Contains("TOO_MANY_REQUESTS", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, broker.Calls.SendAttempts.Count);
    }
}
