using Microsoft.Extensions.Logging;

namespace RocketTax.RocketMQ.Client.Diagnostics;

/// <summary>The client's log messages, source-generated so the hot paths do not allocate when a level is off.</summary>
internal static partial class ClientLog
{
    [LoggerMessage(1, LogLevel.Information, "RocketMQ client {ClientId} started ({ClientType}) against {Endpoints}")]
    public static partial void ClientStarted(this ILogger logger, string clientId, string clientType, string endpoints);

    [LoggerMessage(2, LogLevel.Information, "RocketMQ client {ClientId} stopped")]
    public static partial void ClientStopped(this ILogger logger, string clientId);

    [LoggerMessage(3, LogLevel.Warning, "Telemetry stream to {Endpoint} broke; reconnecting in 1 s")]
    public static partial void TelemetryBroken(this ILogger logger, string endpoint, Exception exception);

    [LoggerMessage(4, LogLevel.Debug, "Settings from {Endpoint}: max attempts {MaxAttempts}, max body size {MaxBodySize}")]
    public static partial void SettingsApplied(this ILogger logger, string endpoint, int maxAttempts, int maxBodySize);

    [LoggerMessage(5, LogLevel.Information, "Telemetry command {Command} from {Endpoint} is not supported by this client; answered UNSUPPORTED")]
    public static partial void TelemetryCommandUnsupported(this ILogger logger, string command, string endpoint);

    [LoggerMessage(6, LogLevel.Warning, "Heartbeat to {Endpoint} failed")]
    public static partial void HeartbeatFailed(this ILogger logger, string endpoint, Exception exception);

    [LoggerMessage(7, LogLevel.Warning, "Refreshing the route of topic {Topic} failed; the cached route stays in use")]
    public static partial void RouteRefreshFailed(this ILogger logger, string topic, Exception exception);

    [LoggerMessage(8, LogLevel.Warning, "NotifyClientTermination to {Endpoint} failed")]
    public static partial void TerminationFailed(this ILogger logger, string endpoint, Exception exception);

    [LoggerMessage(9, LogLevel.Warning, "Sending message {MessageId} to topic {Topic} failed on {Endpoint} (attempt {Attempt} of {MaxAttempts}); retrying on another broker")]
    public static partial void SendRetry(this ILogger logger, string messageId, string topic, string endpoint, int attempt, int maxAttempts, Exception exception);

    [LoggerMessage(10, LogLevel.Error, "Message {MessageId} of topic {Topic} from {Endpoint} failed its body digest check ({DigestType}); it is not handed to the application and goes back to the broker")]
    public static partial void CorruptMessage(this ILogger logger, string messageId, string topic, string endpoint, string digestType);

    [LoggerMessage(11, LogLevel.Warning, "Handler threw on message {MessageId} of topic {Topic} (delivery attempt {Attempt}); counted as a failure")]
    public static partial void HandlerThrew(this ILogger logger, string messageId, string topic, int attempt, Exception exception);

    [LoggerMessage(12, LogLevel.Debug, "Handler failed message {MessageId} of topic {Topic} (delivery attempt {Attempt}); redelivery in {Delay}")]
    public static partial void HandlerFailed(this ILogger logger, string messageId, string topic, int attempt, TimeSpan delay);

    [LoggerMessage(13, LogLevel.Warning, "{Operation} of message {MessageId} on {Endpoint} failed; the broker will redeliver it after its invisible duration")]
    public static partial void SettleFailed(this ILogger logger, string operation, string messageId, string endpoint, Exception exception);

    [LoggerMessage(14, LogLevel.Warning, "Message {MessageId} of topic {Topic} failed {Attempt} of {MaxAttempts} delivery attempts; moved to the dead letter queue of group {Group}")]
    public static partial void ForwardedToDeadLetterQueue(this ILogger logger, string messageId, string topic, int attempt, int maxAttempts, string group);

    [LoggerMessage(15, LogLevel.Warning, "Receiving from topic {Topic} on {Endpoint} failed; retrying in 1 s")]
    public static partial void ReceiveFailed(this ILogger logger, string topic, string endpoint, Exception exception);

    [LoggerMessage(16, LogLevel.Warning, "Querying the assignments of topic {Topic} failed; retrying at the next scan")]
    public static partial void AssignmentQueryFailed(this ILogger logger, string topic, Exception exception);

    [LoggerMessage(17, LogLevel.Information, "Push consumer of group {Group} now receives topic {Topic} from broker {Broker} ({Endpoint})")]
    public static partial void AssignmentStarted(this ILogger logger, string group, string topic, string broker, string endpoint);

    [LoggerMessage(18, LogLevel.Warning, "Push consumer of group {Group} did not finish its handlers within {Timeout}; they were cancelled")]
    public static partial void ShutdownTimedOut(this ILogger logger, string group, TimeSpan timeout);

    [LoggerMessage(19, LogLevel.Warning, "Telemetry status {Code} from {Endpoint}: {Message}")]
    public static partial void TelemetryStatus(this ILogger logger, int code, string endpoint, string message);

    [LoggerMessage(20, LogLevel.Error, "Background work '{Work}' of RocketMQ client {ClientId} failed; it runs again at its next period")]
    public static partial void BackgroundWorkFailed(this ILogger logger, string work, string clientId, Exception exception);

    [LoggerMessage(21, LogLevel.Warning, "The broker at {Endpoint} asked about transaction {TransactionId} (message {MessageId}), but the producer has no TransactionChecker; it stays open until the broker gives up and rolls it back")]
    public static partial void TransactionCheckWithoutChecker(this ILogger logger, string messageId, string transactionId, string endpoint);

    [LoggerMessage(22, LogLevel.Information, "Transaction check of message {MessageId} (transaction {TransactionId}): {Resolution}")]
    public static partial void TransactionChecked(this ILogger logger, string messageId, string transactionId, string resolution);

    [LoggerMessage(23, LogLevel.Warning, "Answering the check of transaction {TransactionId} (message {MessageId}) from {Endpoint} failed; the broker will ask again")]
    public static partial void TransactionCheckFailed(this ILogger logger, string messageId, string transactionId, string endpoint, Exception exception);

    [LoggerMessage(24, LogLevel.Debug, "Check of transaction {TransactionId} from {Endpoint} arrived while the producer is stopping; left to the broker's next check")]
    public static partial void TransactionCheckDropped(this ILogger logger, string transactionId, string endpoint);

    [LoggerMessage(25, LogLevel.Debug, "Sending the updated settings to {Endpoint} failed; the Telemetry stream sends them again when it reconnects")]
    public static partial void SettingsSyncFailed(this ILogger logger, string endpoint, Exception exception);

    [LoggerMessage(26, LogLevel.Information, "Broker {Endpoint} is throttling: message {MessageId} of topic {Topic} was refused with TOO_MANY_REQUESTS (attempt {Attempt} of {MaxAttempts}); retrying in {DelayMs} ms")]
    public static partial void SendThrottled(this ILogger logger, string messageId, string topic, string endpoint, int attempt, int maxAttempts, double delayMs);
}
