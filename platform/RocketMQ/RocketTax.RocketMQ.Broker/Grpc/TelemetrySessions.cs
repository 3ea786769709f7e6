using System.Collections.Concurrent;
using Apache.Rocketmq.V2;
using Grpc.Core;
using RocketTax.RocketMQ.Broker.Managers.Transactions;
using RocketTax.RocketMQ.Broker.Store;

namespace RocketTax.RocketMQ.Broker.Grpc;

/// <summary>
/// The Telemetry streams open on this broker, by client. Through them the broker asks a producer of a topic how
/// a transaction ended, as the RocketMQ proxy does.
/// </summary>
public sealed partial class TelemetrySessions(ILogger<TelemetrySessions> logger) : ITransactionCheckChannel
{
    private readonly ConcurrentDictionary<TelemetrySession, byte> _sessions = new();
    private int _rotation;

    public TelemetrySession Open(string clientId, IServerStreamWriter<TelemetryCommand> writer)
    {
        var session = new TelemetrySession(clientId, writer);
        _sessions[session] = 0;
        return session;
    }

    public void Close(TelemetrySession session) => _sessions.TryRemove(session, out _);

    public async ValueTask<bool> AskProducerAsync(StoredMessage message, string transactionId, CancellationToken cancellationToken)
    {
        var producers = _sessions.Keys
            .Where(s => s.ClientType == ClientType.Producer && s.PublishedTopics.Contains(message.Topic))
            .OrderBy(s => s.ClientId, StringComparer.Ordinal)
            .ToList();
        if (producers.Count == 0)
        {
            return false;
        }

        var protocolMessage = MessageConverter.ToProtocol(message);
        protocolMessage.SystemProperties.MessageType = MessageType.Transaction;
        var command = new TelemetryCommand
        {
            RecoverOrphanedTransactionCommand = new RecoverOrphanedTransactionCommand { Message = protocolMessage, TransactionId = transactionId },
        };

        // Try each producer once, starting at a rotating one, until a stream takes the command.
        var start = (int)((uint)Interlocked.Increment(ref _rotation) % (uint)producers.Count);
        for (var i = 0; i < producers.Count; i++)
        {
            var session = producers[(start + i) % producers.Count];
            try
            {
                await session.WriteAsync(command, cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (Exception ex) when (ex is IOException or InvalidOperationException or RpcException)
            {
                LogWriteFailed(ex, session.ClientId);
                Close(session);
            }
        }

        return false;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Telemetry stream of client {ClientId} refused a transaction check; dropping it")]
    private partial void LogWriteFailed(Exception ex, string clientId);
}
