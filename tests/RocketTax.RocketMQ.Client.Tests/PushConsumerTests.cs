using System.Collections.Concurrent;
using System.Diagnostics;

namespace RocketTax.RocketMQ.Client.Tests;

/// <summary>The push consumer against a real broker: retries with the server's backoff, the DLQ, graceful disposal.</summary>
public sealed class PushConsumerTests(ClientBrokerFixture fixture) : IClassFixture<ClientBrokerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory(Timeout = 120_000)]
    [MemberData(nameof(Clients.Transports), MemberType = typeof(Clients))]
    public async Task Handler_failing_twice_then_succeeding_gets_the_message_three_times_with_attempt_3_last(GrpcTransport transport)
    {
        var topic = $"retry-topic-{transport}";
        await using var producer = new Producer(Clients.Producer(fixture.Endpoint, transport));
        var sent = await producer.SendAsync(new Message(topic, "retry me") { Tag = "2021S1" }, Ct);

        var attempts = new ConcurrentQueue<(string Id, int Attempt)>();
        var succeeded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var consumer = new PushConsumer(Clients.Push(fixture.Endpoint, $"retry-group-{transport}", topic, transport: transport), (message, _) =>
        {
            attempts.Enqueue((message.MessageId, message.DeliveryAttempt));
            if (attempts.Count < 3)
            {
                return ValueTask.FromResult(ConsumeResult.Failure);
            }

            succeeded.TrySetResult();
            return ValueTask.FromResult(ConsumeResult.Success);
        });
        await consumer.StartAsync(Ct);

        await succeeded.Task.WaitAsync(TimeSpan.FromSeconds(100), Ct);
        Assert.Equal([(sent.MessageId, 1), (sent.MessageId, 2), (sent.MessageId, 3)], attempts.ToArray());
        await Eventually.TrueAsync(() => consumer.InFlightMessages == 0, TimeSpan.FromSeconds(10), "the ack", Ct);
    }

    [Theory(Timeout = 120_000)]
    [MemberData(nameof(Clients.Transports), MemberType = typeof(Clients))]
    public async Task Handler_that_always_throws_sends_the_message_to_the_groups_DLQ_after_max_attempts(GrpcTransport transport)
    {
        var topic = $"always-failing-topic-{transport}";
        var group = $"always-failing-group-{transport}";
        await using var producer = new Producer(Clients.Producer(fixture.Endpoint, transport));
        var sent = await producer.SendAsync(new Message(topic, "poison") { Keys = ["poison-1"] }, Ct);

        var attempts = new ConcurrentQueue<int>();
        var consumer = new PushConsumer(Clients.Push(fixture.Endpoint, group, topic, transport: transport), (message, _) =>
        {
            attempts.Enqueue(message.DeliveryAttempt);
            throw new InvalidOperationException("the tax office is closed");
        });
        await using (consumer)
        {
            await consumer.StartAsync(Ct);
            // defaultRetryMaxTimes=2: a first delivery and two retries.
            await Eventually.TrueAsync(() => attempts.Count >= 3 && consumer.InFlightMessages == 0, TimeSpan.FromSeconds(100), "three failed deliveries", Ct);
        }

        await using var dlqReader = new SimpleConsumer(Clients.Simple(fixture.Endpoint, $"dlq-reader-{transport}", $"%DLQ%{group}", transport: transport));
        var dead = Assert.Single(await Clients.ReceiveAtLeastAsync(dlqReader, 1, TimeSpan.FromSeconds(30), ack: true, Ct));
        Assert.Equal("poison", System.Text.Encoding.UTF8.GetString(dead.Body.Span));
        Assert.Equal(["poison-1"], dead.Keys);
        Assert.Equal([1, 2, 3], attempts.ToArray());
        _ = sent;
    }

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(Clients.Transports), MemberType = typeof(Clients))]
    public async Task DisposeAsync_waits_for_running_handlers_and_acks_their_messages(GrpcTransport transport)
    {
        var topic = $"dispose-topic-{transport}";
        var group = $"dispose-group-{transport}";
        await using var producer = new Producer(Clients.Producer(fixture.Endpoint, transport));
        await producer.SendAsync(new Message(topic, "slow"), Ct);

        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var finished = false;
        var consumer = new PushConsumer(Clients.Push(fixture.Endpoint, group, topic, transport: transport), async (_, _) =>
        {
            entered.TrySetResult();
            await release.Task;
            finished = true;
            return ConsumeResult.Success;
        });
        await consumer.StartAsync(Ct);
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        var disposing = consumer.DisposeAsync().AsTask();
        await Assert.ThrowsAsync<TimeoutException>(() => disposing.WaitAsync(TimeSpan.FromMilliseconds(500), Ct));
        release.SetResult();
        await disposing.WaitAsync(TimeSpan.FromSeconds(20), Ct);
        Assert.True(finished);

        // The handler's success was acked before the consumer left: nobody in the group gets it again.
        await using var check = new SimpleConsumer(Clients.Simple(fixture.Endpoint, group, topic, awaitSeconds: 2, transport: transport));
        Assert.Empty(await check.ReceiveAsync(1, TimeSpan.FromSeconds(10), Ct));
    }

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(Clients.Transports), MemberType = typeof(Clients))]
    public async Task Handlers_never_run_beyond_the_concurrency_limit(GrpcTransport transport)
    {
        var topic = $"concurrency-topic-{transport}";
        await using var producer = new Producer(Clients.Producer(fixture.Endpoint, transport));
        for (var i = 0; i < 20; i++)
        {
            await producer.SendAsync(new Message(topic, $"m{i}"), Ct);
        }

        var running = 0;
        var peak = 0;
        var done = 0;
        await using var consumer = new PushConsumer(Clients.Push(fixture.Endpoint, $"concurrency-group-{transport}", topic, transport: transport) with { MaxConcurrency = 3 }, async (_, ct) =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref peak, now);
            await Task.Delay(50, ct);
            Interlocked.Decrement(ref running);
            Interlocked.Increment(ref done);
            return ConsumeResult.Success;
        });
        await consumer.StartAsync(Ct);

        await Eventually.TrueAsync(() => Volatile.Read(ref done) >= 20, TimeSpan.FromSeconds(40), "20 handled messages", Ct);
        Assert.InRange(peak, 1, 3);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
