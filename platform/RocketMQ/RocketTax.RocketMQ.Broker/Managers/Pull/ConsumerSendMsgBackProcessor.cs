using System.Globalization;
using RocketTax.RocketMQ.Broker.Configuration;
using RocketTax.RocketMQ.Broker.Hosting;
using RocketTax.RocketMQ.Broker.Managers.Timer;
using RocketTax.RocketMQ.Broker.Remoting;
using RocketTax.RocketMQ.Broker.Store;
using RocketTax.RocketMQ.Remoting;

namespace RocketTax.RocketMQ.Broker.Managers.Pull;

/// <summary>
/// <c>CONSUMER_SEND_MSG_BACK</c>: a 4.x push consumer hands back a message its listener failed (RECONSUME_LATER), naming
/// it by commit-log offset. The broker stores a copy, one reconsume more, on the group's retry topic after the delay of
/// <c>delayLevel</c> (0: level 3 + the reconsumes so far, so retries back off 10 s, 30 s, 1 m ... 2 h), where the
/// consumer, subscribed to <c>%RETRY%group</c> by its heartbeat, pulls it again; once the group's retries are used up
/// (or for a negative <c>delayLevel</c>) the copy goes to <c>%DLQ%group</c> instead.
/// </summary>
public sealed partial class ConsumerSendMsgBackProcessor(
    IMessageStore store, TimerMessageService timer, ConsumerRetries retries, BrokerConfig config,
    BrokerIdentity identity, TimeProvider time, ILogger<ConsumerSendMsgBackProcessor> logger)
    : IRemotingRequestProcessor
{
    /// <summary>The level a consumer's first retry waits when it names none (10 s by default); each retry waits one more.</summary>
    private const int FirstRetryLevel = 3;

    public IReadOnlyCollection<int> RequestCodes { get; } = [RequestCode.ConsumerSendMsgBack];

    public async ValueTask<RemotingCommand> ProcessAsync(RemotingCommand request, string peer, CancellationToken cancellationToken)
    {
        var group = request.RequiredField("group");
        if (ResourceNames.ValidateGroup(group) is { } badGroup)
        {
            return RemotingCommand.Response(request, ResponseCode.SystemError, badGroup);
        }

        var offset = request.RequiredNumber("offset", 0);
        if (store.ReadMessage(offset) is not { } message)
        {
            return RemotingCommand.Response(request, ResponseCode.SystemError,
                $"{identity.BrokerName} has no message at commit-log offset {offset} to send back for group {group}");
        }

        // Checked before anything is stored: a value that is not a number (or does not fit) is refused, not read as "none".
        var delayLevel = (int)(request.OptionalNumber("delayLevel", int.MinValue, int.MaxValue) ?? 0);
        var maxReconsumeTimes = (int?)request.OptionalNumber("maxReconsumeTimes", int.MinValue, int.MaxValue);
        var deadLetter = delayLevel < 0 || retries.AreUsedUp(group, message.ReconsumeTimes, maxReconsumeTimes);
        var properties = new Dictionary<string, string>(message.Properties, StringComparer.Ordinal);
        properties.TryAdd(MessageProperties.RetryTopic, message.Topic);
        properties.TryAdd(MessageProperties.OriginMessageId,
            request.Field("originMsgId") is { Length: > 0 } origin ? origin : MessageIds.OffsetMessageId(message.StoreHost, offset) ?? string.Empty);
        var topic = deadLetter ? retries.DeadLetterTopic(group) : retries.RetryTopic(group);
        var record = new MessageRecord(topic.Name, Random.Shared.Next(topic.QueueCount), message.Tag, properties, message.Body,
            message.BornTimestamp, message.BornHost, message.ReconsumeTimes + 1, message.Flag);
        try
        {
            if (deadLetter)
            {
                MessageProperties.RemoveDelay(properties);
                await store.PutMessagesAsync([record], CancellationToken.None).ConfigureAwait(false);
                LogDeadLettered(offset, message.Topic, topic.Name, record.ReconsumeTimes, peer);
            }
            else
            {
                var level = delayLevel == 0 ? FirstRetryLevel + message.ReconsumeTimes : delayLevel;
                var due = time.GetUtcNow().Add(config.DelayOfLevel(level)).ToUnixTimeMilliseconds();
                properties[MessageProperties.DelayLevel] = level.ToString(CultureInfo.InvariantCulture);
                properties[MessageProperties.DeliveryTimestamp] = due.ToString(CultureInfo.InvariantCulture);
                await timer.ScheduleAsync([record], [due], CancellationToken.None).ConfigureAwait(false);
                LogRetried(offset, message.Topic, topic.Name, record.ReconsumeTimes, level, peer);
            }
        }
        catch (StoreBusyException ex)
        {
            // The consumer falls back to sending the message to the retry topic itself, or consumes it again locally.
            return RemotingCommand.Response(request, ResponseCode.SystemBusy, $"{identity.BrokerName}: {ex.Message}");
        }

        return RemotingCommand.Response(request, ResponseCode.Success);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Message at commit-log offset {Offset} of {Topic} sent back to {RetryTopic}, reconsume {ReconsumeTimes}, delay level {Level}, by {Peer}")]
    private partial void LogRetried(long offset, string topic, string retryTopic, int reconsumeTimes, int level, string peer);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message at commit-log offset {Offset} of {Topic} moved to {DeadLetterTopic} after {ReconsumeTimes} consumes, sent back by {Peer}")]
    private partial void LogDeadLettered(long offset, string topic, string deadLetterTopic, int reconsumeTimes, string peer);
}
