using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using RocketTax.RocketMQ.Client.Consumer;
using RocketTax.RocketMQ.Client.Diagnostics;

namespace RocketTax.RocketMQ.Client.Tests;

/// <summary>Acks travel in batches (one AckMessage call for many messages), and a refused entry fails only its own message.</summary>
public sealed class AckBatchingTests(ClientBrokerFixture fixture) : IClassFixture<ClientBrokerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 120_000)]
    public async Task Push_consumer_acks_a_burst_in_fewer_calls_than_messages_and_every_ack_is_accepted()
    {
        const string topic = "ack-burst-topic";
        const string group = "ack-burst-group";
        const int count = 300;
        await using var producer = new Producer(Clients.Producer(fixture.Endpoint));
        await Task.WhenAll(Enumerable.Range(0, count).Select(i => producer.SendAsync(new Message(topic, $"m{i}"), Ct)));

        var ackCalls = 0;
        var failedAckCalls = 0;
        using var listener = AckCallListener(group, failed =>
        {
            Interlocked.Increment(ref ackCalls);
            if (failed)
            {
                Interlocked.Increment(ref failedAckCalls);
            }
        });
        var handled = new ConcurrentDictionary<string, int>();
        await using var consumer = new PushConsumer(Clients.Push(fixture.Endpoint, group, topic) with { MaxConcurrency = 32, MaxCachedMessages = 256 },
            (message, _) =>
            {
                handled.AddOrUpdate(message.MessageId, 1, (_, n) => n + 1);
                return ValueTask.FromResult(ConsumeResult.Success);
            });
        await consumer.StartAsync(Ct);

        await Eventually.TrueAsync(() => handled.Count == count && consumer.InFlightMessages == 0, TimeSpan.FromSeconds(60), "every message handled and settled", Ct);
        Assert.All(handled.Values, deliveries => Assert.Equal(1, deliveries));
        Assert.Equal(0, Volatile.Read(ref failedAckCalls));
        Assert.InRange(Volatile.Read(ref ackCalls), 1, count - 1);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_refused_entry_fails_only_its_message_and_the_others_are_acked()
    {
        const string topic = "ack-partial-topic";
        const string group = "ack-partial-group";
        await using var producer = new Producer(Clients.Producer(fixture.Endpoint));
        for (var i = 0; i < 3; i++)
        {
            await producer.SendAsync(new Message(topic, $"m{i}"), Ct);
        }

        await using var consumer = new SimpleConsumer(Clients.Simple(fixture.Endpoint, group, topic));
        // A short invisible time, so the message whose ack is refused comes back within the test.
        var received = new List<MessageView>();
        while (received.Count < 3)
        {
            received.AddRange(await consumer.ReceiveAsync(3 - received.Count, TimeSpan.FromSeconds(5), Ct));
        }

        var forged = received[1];
        forged.ReceiptHandle = "not-a-receipt-handle";

        var failures = await new ConsumerCalls(consumer.Session, group).AckAsync(received, Ct);

        Assert.Null(failures[0]);
        Assert.Null(failures[2]);
        var refusal = Assert.IsType<RocketMQException>(failures[1]);
        Assert.Equal((int)Apache.Rocketmq.V2.Code.InvalidReceiptHandle, refusal.StatusCode);
        Assert.Contains(forged.MessageId, refusal.Message, StringComparison.Ordinal);

        // Only the message whose ack was refused comes back once its invisible time is over.
        var redelivered = await Clients.ReceiveAtLeastAsync(consumer, 1, TimeSpan.FromSeconds(30), ack: true, Ct);
        Assert.Equal([forged.MessageId], redelivered.Select(m => m.MessageId));
    }

    /// <summary>Reports each AckMessage call the client makes for <paramref name="group"/>, and whether it failed.</summary>
    private static MeterListener AckCallListener(string group, Action<bool> onCall)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument == RocketMQDiagnostics.OperationDuration)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((_, _, tags, _) =>
        {
            string? operation = null, callGroup = null;
            var failed = false;
            foreach (var tag in tags)
            {
                switch (tag.Key)
                {
                    case RocketMQDiagnostics.OperationName:
                        operation = tag.Value as string;
                        break;
                    case RocketMQDiagnostics.ClientGroup:
                        callGroup = tag.Value as string;
                        break;
                    case RocketMQDiagnostics.ErrorType:
                        failed = tag.Value is not null;
                        break;
                }
            }

            if (operation == "ack" && callGroup == group)
            {
                onCall(failed);
            }
        });
        listener.Start();
        return listener;
    }
}
