using Apache.Rocketmq.V2;
using Grpc.Core;

namespace RocketTax.RocketMQ.Broker.Grpc;

/// <summary>
/// One client's open Telemetry stream: what it publishes, and a writer the broker may use at any time (to push
/// RecoverOrphanedTransactionCommand) without racing the handler's own answers.
/// </summary>
public sealed class TelemetrySession(string clientId, IServerStreamWriter<TelemetryCommand> writer)
{
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    public string ClientId { get; } = clientId;

    public ClientType ClientType { get; private set; }

    /// <summary>Topics a producer declared in its publishing settings.</summary>
    public IReadOnlySet<string> PublishedTopics { get; private set; } = new HashSet<string>();

    public void Update(Settings settings)
    {
        ClientType = settings.ClientType;
        if (settings.PubSubCase == Settings.PubSubOneofCase.Publishing)
        {
            PublishedTopics = settings.Publishing.Topics.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        }
    }

    public async Task WriteAsync(TelemetryCommand command, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await writer.WriteAsync(command, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }
}
