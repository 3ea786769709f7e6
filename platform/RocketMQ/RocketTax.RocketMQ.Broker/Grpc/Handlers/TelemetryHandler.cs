using Apache.Rocketmq.V2;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using RocketTax.RocketMQ.Broker.Configuration;
using RocketTax.RocketMQ.Broker.Managers;

namespace RocketTax.RocketMQ.Broker.Grpc.Handlers;

/// <summary>
/// Telemetry: the client's first command is its Settings; the broker answers with the settings it will
/// enforce (body size limit, retry policy, batch size, long polling) and keeps the stream open for the
/// client's life, registered in <see cref="TelemetrySessions"/> so the broker can push commands (transaction
/// checks) through it.
/// </summary>
public sealed class TelemetryHandler(
    BrokerConfig config, ClientManager clients, PopManager pop, SubscriptionGroupManager groups, TelemetrySessions sessions, ILogger<TelemetryHandler> logger)
{
    public async Task HandleAsync(
        IAsyncStreamReader<TelemetryCommand> requests, IServerStreamWriter<TelemetryCommand> responses, ClientMetadata metadata, CancellationToken cancellationToken)
    {
        if (RequestGuard.ClientId(metadata) is { } invalid)
        {
            await responses.WriteAsync(new TelemetryCommand { Status = invalid }, cancellationToken).ConfigureAwait(false);
            return;
        }

        var session = sessions.Open(metadata.ClientId!, responses);
        try
        {
            while (await requests.MoveNext(cancellationToken).ConfigureAwait(false))
            {
                var command = requests.Current;
                if (command.CommandCase == TelemetryCommand.CommandOneofCase.Settings)
                {
                    session.Update(command.Settings);
                    await session.WriteAsync(Answer(command.Settings, metadata), cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    logger.LogDebug("Telemetry command {Command} from client {ClientId} ignored", command.CommandCase, metadata.ClientId);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away or the broker is stopping: the stream simply ends.
        }
        catch (IOException ex)
        {
            logger.LogDebug(ex, "Telemetry stream of client {ClientId} broke", metadata.ClientId);
        }
        finally
        {
            sessions.Close(session);
        }
    }

    private TelemetryCommand Answer(Settings settings, ClientMetadata metadata)
    {
        var group = settings.Subscription?.Group?.Name;
        clients.Touch(metadata.ClientId!, settings.ClientType, string.IsNullOrEmpty(group) ? null : group, metadata.Language);
        var answer = settings.Clone();
        answer.Metric = new Metric { On = false };
        switch (settings.PubSubCase)
        {
            case Settings.PubSubOneofCase.Publishing:
                answer.Publishing.MaxBodySize = config.MaxMessageSize;
                answer.Publishing.ValidateMessageType = true;
                answer.BackoffPolicy = new RetryPolicy
                {
                    MaxAttempts = settings.BackoffPolicy?.MaxAttempts > 0 ? settings.BackoffPolicy.MaxAttempts : 3,
                    ExponentialBackoff = new ExponentialBackoff
                    {
                        Initial = Duration.FromTimeSpan(TimeSpan.FromMilliseconds(10)),
                        Max = Duration.FromTimeSpan(TimeSpan.FromSeconds(1)),
                        Multiplier = 2,
                    },
                };
                break;
            case Settings.PubSubOneofCase.Subscription:
                answer.Subscription.Fifo = group is { Length: > 0 } && groups.IsOrderly(group);
                answer.Subscription.ReceiveBatchSize = 32;
                answer.Subscription.LongPollingTimeout = Duration.FromTimeSpan(TimeSpan.FromMilliseconds(config.LongPollingTimeoutMills));
                var backoff = new CustomizedBackoff();
                backoff.Next.AddRange(config.ConsumerRetryBackoff.Select(Duration.FromTimeSpan));
                answer.BackoffPolicy = new RetryPolicy
                {
                    MaxAttempts = pop.MaxDeliveryAttempts(group ?? string.Empty),
                    CustomizedBackoff = backoff,
                };
                break;
        }

        return new TelemetryCommand { Status = Statuses.Ok(), Settings = answer };
    }
}
