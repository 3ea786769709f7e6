using System.Globalization;
using RocketTax.RocketMQ.Client;

// Usage: RocketTax.Chaos.Consumer <endpoints> <topic> <consumer-group> <invisible-seconds>
// Receives batches forever and consumes the first half of each (none of a batch of one): prints it, then acks
// it. The rest stays unacked, so whoever kill -9s it mid-batch reads stdout to know what must come back to
// another consumer. One line per step (the console flushes each); the time is when it was consumed, before the
// ack, so an order check can place it even when the line is read late:
//   received <key>
//   consumed <key> <message-group or -> <sequence> <queue>@<offset> <attempt> <UTC ticks>
if (args.Length != 4)
{
    Console.Error.WriteLine("usage: RocketTax.Chaos.Consumer <endpoints> <topic> <consumer-group> <invisible-seconds>");
    return 2;
}

var (endpoints, topic, group) = (args[0], args[1], args[2]);
var invisibleDuration = TimeSpan.FromSeconds(int.Parse(args[3], CultureInfo.InvariantCulture));
await using var consumer = new SimpleConsumer(new SimpleConsumerOptions
{
    Endpoints = endpoints,
    ConsumerGroup = group,
    Subscriptions = new Dictionary<string, FilterExpression> { [topic] = FilterExpression.SubAll },
    AwaitDuration = TimeSpan.FromSeconds(1),
});
while (true)
{
    var batch = await consumer.ReceiveAsync(SimpleConsumer.MaxBatchSize, invisibleDuration);
    foreach (var message in batch)
    {
        Console.WriteLine($"received {message.Keys[0]}");
    }

    foreach (var message in batch.Take(batch.Count / 2))
    {
        Console.WriteLine($"consumed {message.Keys[0]} {message.MessageGroup ?? "-"} {message.Properties.GetValueOrDefault("chaos-seq", "0")} " +
                          $"{message.BrokerName}/{message.QueueId}@{message.QueueOffset} {message.DeliveryAttempt} {DateTime.UtcNow.Ticks}");
        await consumer.AckAsync(message);
    }
}
