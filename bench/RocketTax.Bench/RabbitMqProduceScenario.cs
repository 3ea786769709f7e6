using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace RocketTax.Bench;

/// <summary>
/// The produce scenario against RabbitMQ: persistent messages to a durable quorum queue on a channel per sender,
/// each publish awaiting its publisher confirm, which the queue sends once the message is fsynced.
/// </summary>
public static class RabbitMqProduceScenario
{
    private const string Queue = "bench-produce";

    public static async Task<ProduceResult> RunAsync(ProduceOptions options, CancellationToken cancellationToken)
    {
        await using var rabbit = await RabbitMqLauncher.StartAsync(cancellationToken);
        var factory = new ConnectionFactory { HostName = "127.0.0.1", Port = rabbit.AmqpPort };
        var connections = new List<IConnection>();
        var channels = new List<IChannel>();
        try
        {
            // Several connections, as ours opens one per 16 senders; a channel per sender, as AMQP intends.
            for (var c = 0; c < Math.Max(1, options.Senders / 16); c++)
            {
                connections.Add(await factory.CreateConnectionAsync(cancellationToken));
            }

            var confirmed = new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true);
            for (var s = 0; s < options.Senders; s++)
            {
                channels.Add(await connections[s % connections.Count].CreateChannelAsync(confirmed, cancellationToken));
            }

            await channels[0].QueueDeclareAsync(Queue, durable: true, exclusive: false, autoDelete: false,
                arguments: new Dictionary<string, object?> { ["x-queue-type"] = "quorum" }, cancellationToken: cancellationToken);
            var persistent = new BasicProperties { Persistent = true };
            var body = new byte[options.BodySize];
            return await ClosedLoop.MeasureAsync(
                "produce (RabbitMQ)", $"quorum queue, persistent, confirm per message, {options.Senders} senders, {options.BodySize} B", options, rabbit.Resources,
                async (sender, token) =>
                {
                    try
                    {
                        // With confirmation tracking the publish completes when the broker confirms, and throws if it refuses.
                        await channels[sender].BasicPublishAsync(string.Empty, Queue, mandatory: true, persistent, body, token);
                        return true;
                    }
                    catch (PublishException)
                    {
                        return false;
                    }
                },
                cancellationToken);
        }
        finally
        {
            foreach (var disposable in channels.Cast<IAsyncDisposable>().Concat(connections))
            {
                await disposable.DisposeAsync();
            }
        }
    }
}
