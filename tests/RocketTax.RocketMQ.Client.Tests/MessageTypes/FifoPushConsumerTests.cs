using System.Collections.Concurrent;
using System.Text;

namespace RocketTax.RocketMQ.Client.Tests.MessageTypes;

/// <summary>The push consumer of an orderly group on a FIFO topic: each message group in order, one message at a time.</summary>
[Collection(MessageTypesCollection.Name)]
public sealed class FifoPushConsumerTests(MessageTypesFixture fixture)
{
    private const int PerGroup = 10;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 120_000)]
    public async Task Each_message_group_is_handled_in_order_one_at_a_time_and_a_failed_message_keeps_its_place()
    {
        const string topic = "fifo-push-topic";
        const string group = "fifo-push-group";
        string[] cities = ["city-X", "city-Y", "city-Z"];
        await fixture.CreateTopicAsync(topic, "FIFO", Ct);
        await fixture.CreateOrderlyGroupAsync(group, retryMaxTimes: 3, Ct);
        await using var producer = new Producer(Clients.Producer(fixture.Endpoint));
        for (var i = 0; i < PerGroup; i++)
        {
            foreach (var city in cities)
            {
                await producer.SendAsync(new Message(topic, $"{city}:{i}") { MessageGroup = city }, Ct);
            }
        }

        var handled = new ConcurrentQueue<(string Body, int Attempt)>();
        var running = new ConcurrentDictionary<string, byte>(StringComparer.Ordinal);
        var overlaps = 0;
        var succeeded = 0;
        await using var consumer = new PushConsumer(Clients.Push(fixture.Endpoint, group, topic), async (message, ct) =>
        {
            var city = message.MessageGroup!;
            if (!running.TryAdd(city, 0))
            {
                Interlocked.Increment(ref overlaps);
            }

            var body = Encoding.UTF8.GetString(message.Body.Span);
            handled.Enqueue((body, message.DeliveryAttempt));
            // Long enough for a second message of the group to overlap, were it handed over concurrently.
            await Task.Delay(20, ct);
            running.TryRemove(city, out _);
            if (body == "city-Y:4" && message.DeliveryAttempt == 1)
            {
                return ConsumeResult.Failure;
            }

            Interlocked.Increment(ref succeeded);
            return ConsumeResult.Success;
        });
        await consumer.StartAsync(Ct);

        await Eventually.TrueAsync(() => Volatile.Read(ref succeeded) >= cities.Length * PerGroup, TimeSpan.FromSeconds(90), "every message handled", Ct);
        await Eventually.TrueAsync(() => consumer.InFlightMessages == 0, TimeSpan.FromSeconds(10), "the acks", Ct);

        var log = handled.ToArray();
        Assert.Equal(0, overlaps);
        foreach (var city in cities)
        {
            var expected = Enumerable.Range(0, PerGroup).Select(i => $"{city}:{i}").ToList();
            if (city == "city-Y")
            {
                expected.Insert(4, "city-Y:4");
            }

            Assert.Equal(expected, log.Where(h => h.Body.StartsWith(city + ":", StringComparison.Ordinal)).Select(h => h.Body));
        }

        Assert.Equal([1, 2], log.Where(h => h.Body == "city-Y:4").Select(h => h.Attempt));
        Assert.Equal(cities.Length * PerGroup + 1, log.Length);
    }
}
