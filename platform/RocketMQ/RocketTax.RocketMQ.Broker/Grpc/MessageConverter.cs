using System.Globalization;
using System.Security.Cryptography;
using Apache.Rocketmq.V2;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using RocketTax.RocketMQ.Broker.Managers;
using RocketTax.RocketMQ.Broker.Store;

namespace RocketTax.RocketMQ.Broker.Grpc;

/// <summary>Turns protocol messages into store records (validating them) and stored messages back into protocol messages.</summary>
public static class MessageConverter
{
    /// <summary>Largest total size of a message's properties, as RocketMQ limits them.</summary>
    public const int MaxPropertiesSize = 16 * 1024;

    /// <summary>Validates a message to send; returns the status to refuse it with, or null with the record to store.</summary>
    public static Status? TryToRecord(Message message, TopicConfig topic, int queueId, int maxBodySize, string peer, out MessageRecord record)
    {
        record = null!;
        var system = message.SystemProperties ?? new SystemProperties();
        if (string.IsNullOrWhiteSpace(system.MessageId) || HasSeparator(system.MessageId))
        {
            return Statuses.Of(Code.IllegalMessageId, "the message id is blank: clients must set system_properties.message_id");
        }

        if (message.Body.Length == 0)
        {
            return Statuses.Of(Code.MessageBodyEmpty, $"message {system.MessageId} has an empty body");
        }

        if (message.Body.Length > maxBodySize)
        {
            return Statuses.Of(Code.MessageBodyTooLarge, $"message {system.MessageId} has a {message.Body.Length}-byte body; this broker's maxMessageSize is {maxBodySize}");
        }

        if (system.HasTag && (string.IsNullOrWhiteSpace(system.Tag) || system.Tag.Contains('|') || HasSeparator(system.Tag)))
        {
            return Statuses.Of(Code.IllegalMessageTag, $"the tag '{system.Tag}' of message {system.MessageId} is blank or contains '|'");
        }

        foreach (var key in system.Keys)
        {
            if (string.IsNullOrWhiteSpace(key) || HasSeparator(key))
            {
                return Statuses.Of(Code.IllegalMessageKey, $"message {system.MessageId} has a blank key or one with a control character");
            }
        }

        if (TypeConflict(system, topic) is { } conflict)
        {
            return Statuses.Of(Code.MessagePropertyConflictWithType, conflict);
        }

        var properties = new Dictionary<string, string>(message.UserProperties.Count + 4, StringComparer.Ordinal);
        var propertiesSize = 0;
        foreach (var (name, value) in message.UserProperties)
        {
            if (string.IsNullOrWhiteSpace(name) || MessageProperties.IsReserved(name))
            {
                return Statuses.Of(Code.IllegalMessagePropertyKey, $"the user property name '{name}' of message {system.MessageId} is blank or reserved by RocketMQ");
            }

            if (HasSeparator(name) || HasSeparator(value))
            {
                return Statuses.Of(Code.IllegalMessagePropertyKey, $"the user property '{name}' of message {system.MessageId} contains the control character U+0001 or U+0002");
            }

            properties[name] = value;
            propertiesSize += name.Length + value.Length + 2;
        }

        if (propertiesSize > MaxPropertiesSize)
        {
            return Statuses.Of(Code.MessagePropertiesTooLarge, $"the properties of message {system.MessageId} take {propertiesSize} bytes; the limit is {MaxPropertiesSize}");
        }

        properties[MessageProperties.MessageId] = system.MessageId;
        if (system.Keys.Count > 0)
        {
            properties[MessageProperties.Keys] = string.Join(MessageProperties.KeySeparator, system.Keys);
        }

        if (system.HasTag)
        {
            properties[MessageProperties.Tags] = system.Tag;
        }

        if (system.HasMessageGroup)
        {
            properties[MessageProperties.MessageGroup] = system.MessageGroup;
        }

        if (system.DeliveryTimestamp is { } delivery)
        {
            if (ProtoTime.ToDateTimeOffsetOrNull(delivery) is not { } due)
            {
                return Statuses.Of(Code.IllegalDeliveryTime, $"the delivery timestamp of message {system.MessageId} is not a valid timestamp");
            }

            properties[MessageProperties.DeliveryTimestamp] = due.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        }

        if (system.HasTraceContext)
        {
            properties[MessageProperties.TraceContext] = system.TraceContext;
        }

        if (system.BodyEncoding == Encoding.Gzip)
        {
            properties[MessageProperties.BodyEncoding] = "GZIP";
        }

        var bornHost = string.IsNullOrEmpty(system.BornHost) ? peer : system.BornHost;
        var born = ProtoTime.ToDateTimeOffsetOrNull(system.BornTimestamp);
        if (system.BornTimestamp is not null && born is null)
        {
            return Statuses.Of(Code.BadRequest, $"the born timestamp of message {system.MessageId} is not a valid timestamp");
        }

        var bornTimestamp = born?.ToUnixTimeMilliseconds() ?? 0;
        record = new MessageRecord(topic.Name, queueId, system.HasTag ? system.Tag : null, properties, message.Body.Memory, bornTimestamp, bornHost);
        return null;
    }

    /// <summary>The message as a consumer receives it, with its receipt handle and delivery attempt.</summary>
    public static Message ToProtocol(PoppedMessage popped)
    {
        var stored = popped.Message;
        var message = ToProtocol(stored);
        var system = message.SystemProperties;
        system.ReceiptHandle = popped.Handle.Encode();
        system.DeliveryAttempt = popped.DeliveryAttempt;
        system.InvisibleDuration = Duration.FromTimeSpan(TimeSpan.FromMilliseconds(popped.Handle.InvisibleMillis));
        return message;
    }

    /// <summary>A stored message with its system properties rebuilt from the store's fields and reserved properties.</summary>
    public static Message ToProtocol(StoredMessage stored)
    {
        var system = new SystemProperties
        {
            MessageId = stored.Properties.GetValueOrDefault(MessageProperties.MessageId) ?? string.Empty,
            BodyDigest = new Digest { Type = DigestType.Md5, Checksum = Convert.ToHexString(MD5.HashData(stored.Body.Span)) },
            BodyEncoding = stored.Properties.GetValueOrDefault(MessageProperties.BodyEncoding) == "GZIP" ? Encoding.Gzip : Encoding.Identity,
            MessageType = stored.Properties.ContainsKey(MessageProperties.MessageGroup) ? MessageType.Fifo
                : stored.Properties.ContainsKey(MessageProperties.DeliveryTimestamp) ? MessageType.Delay
                : MessageType.Normal,
            BornTimestamp = Timestamp.FromDateTimeOffset(DateTimeOffset.FromUnixTimeMilliseconds(stored.BornTimestamp)),
            BornHost = stored.BornHost,
            StoreTimestamp = Timestamp.FromDateTimeOffset(DateTimeOffset.FromUnixTimeMilliseconds(stored.StoreTimestamp)),
            StoreHost = stored.StoreHost,
            QueueId = stored.QueueId,
            QueueOffset = stored.QueueOffset,
        };
        if (stored.Tag is { } tag)
        {
            system.Tag = tag;
        }

        var message = new Message
        {
            Topic = new Resource { Name = stored.Topic },
            SystemProperties = system,
            Body = ByteString.CopyFrom(stored.Body.Span),
        };
        foreach (var (name, value) in stored.Properties)
        {
            switch (name)
            {
                case MessageProperties.Keys:
                    system.Keys.AddRange(value.Split(MessageProperties.KeySeparator, StringSplitOptions.RemoveEmptyEntries));
                    break;
                case MessageProperties.MessageGroup:
                    system.MessageGroup = value;
                    break;
                case MessageProperties.TraceContext:
                    system.TraceContext = value;
                    break;
                case MessageProperties.DeliveryTimestamp when long.TryParse(value, CultureInfo.InvariantCulture, out var at):
                    system.DeliveryTimestamp = Timestamp.FromDateTimeOffset(DateTimeOffset.FromUnixTimeMilliseconds(at));
                    break;
                default:
                    if (!MessageProperties.IsReserved(name))
                    {
                        message.UserProperties[name] = value;
                    }

                    break;
            }
        }

        return message;
    }

    /// <summary>RocketMQ stores properties as name U+0001 value U+0002; neither may occur inside them.</summary>
    private static bool HasSeparator(string text) => text.AsSpan().IndexOfAny('\u0001', '\u0002') >= 0;

    private static string? TypeConflict(SystemProperties system, TopicConfig topic)
    {
        var declared = system.MessageType == MessageType.Unspecified ? MessageType.Normal : system.MessageType;
        var accepted = MessageQueues.AcceptedType(topic.MessageType);
        if (declared != accepted)
        {
            return $"message {system.MessageId} is {declared} but topic '{topic.Name}' accepts {accepted} messages only";
        }

        return topic.MessageType switch
        {
            TopicMessageType.Normal when system.HasMessageGroup || system.DeliveryTimestamp is not null =>
                $"message {system.MessageId} carries a message group or delivery time, which a NORMAL topic ('{topic.Name}') does not accept",
            TopicMessageType.Fifo when !system.HasMessageGroup || string.IsNullOrWhiteSpace(system.MessageGroup) =>
                $"message {system.MessageId} has no message group, which FIFO topic '{topic.Name}' requires",
            TopicMessageType.Fifo when system.DeliveryTimestamp is not null =>
                $"message {system.MessageId} carries a delivery time, which FIFO topic '{topic.Name}' does not accept",
            TopicMessageType.Delay when system.DeliveryTimestamp is null =>
                $"message {system.MessageId} has no delivery timestamp, which DELAY topic '{topic.Name}' requires",
            TopicMessageType.Delay or TopicMessageType.Transaction when system.HasMessageGroup =>
                $"message {system.MessageId} carries a message group, which {topic.MessageType.ToString().ToUpperInvariant()} topic '{topic.Name}' does not accept",
            TopicMessageType.Transaction when system.DeliveryTimestamp is not null =>
                $"message {system.MessageId} carries a delivery time, which TRANSACTION topic '{topic.Name}' does not accept",
            _ => null,
        };
    }
}
