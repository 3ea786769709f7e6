using System.Diagnostics;
using System.Globalization;
using RocketTax.RocketMQ.Broker.Grpc;
using RocketTax.RocketMQ.Broker.Managers;
using RocketTax.RocketMQ.Broker.Store;

namespace RocketTax.RocketMQ.Broker.Diagnostics;

/// <summary>
/// The broker's one <see cref="ActivitySource"/> (named like its meter, after the project) and its two spans:
/// <c>{topic} store</c> continues the producer's trace while a send is appended and becomes the parent its consumers
/// continue from; <c>{topic} deliver</c> hands messages to a consumer, linked to each message's trace. With no listener
/// nothing is allocated.
/// </summary>
public static class BrokerDiagnostics
{
    /// <summary>The name of the activity source and of the meter: <c>RocketTax.RocketMQ.Broker</c>.</summary>
    public const string Name = "RocketTax.RocketMQ.Broker";

    public const string System = "messaging.system";
    public const string SystemValue = "rocketmq";
    public const string OperationType = "messaging.operation.type";
    public const string OperationName = "messaging.operation.name";
    public const string Destination = "messaging.destination.name";
    public const string Partition = "messaging.destination.partition.id";
    public const string MessageId = "messaging.message.id";
    public const string ConsumerGroup = "messaging.consumer.group.name";
    public const string ClientId = "messaging.client.id";
    public const string BatchCount = "messaging.batch.message_count";
    public const string BodySize = "messaging.message.body.size";
    public const string Tag = "messaging.rocketmq.message.tag";
    public const string DeliveryAttempt = "messaging.rocketmq.message.delivery_attempt";
    public const string ErrorType = "error.type";

    public static readonly ActivitySource Source = new(Name, typeof(BrokerDiagnostics).Assembly.GetName().Version?.ToString());

    /// <summary>
    /// The span of appending one send: a child of the producer's span for a single message, else (a batch) a
    /// child of the caller's call with a link to each message's producer.
    /// </summary>
    public static Activity? StartStore(string topic, IReadOnlyList<MessageRecord> records, ClientMetadata metadata)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var single = records.Count == 1 ? MessageTraceContext.Read(records[0].Properties) : default;
        var activity = single != default
            ? Start($"{topic} store", ActivityKind.Consumer, single, links: null)
            : Start($"{topic} store", ActivityKind.Consumer, metadata.CallerContext, Links(records.Select(r => r.Properties), MessageTraceContext.Read));
        if (activity is { IsAllDataRequested: true })
        {
            SetCommonTags(activity, topic, "receive", "store", records.Count);
            activity.SetTag(ClientId, metadata.ClientId);
            if (records.Count == 1)
            {
                var record = records[0];
                activity.SetTag(MessageId, record.Properties.GetValueOrDefault(MessageProperties.MessageId));
                activity.SetTag(Partition, record.QueueId.ToString(CultureInfo.InvariantCulture));
                activity.SetTag(BodySize, record.Body.Length);
                activity.SetTag(Tag, record.Tag);
            }
        }

        return activity;
    }

    /// <summary>
    /// Makes the store span the parent a consumer continues from: each message of its trace gets the span as its
    /// <c>trace_context</c>, while <c>traceparent</c> keeps the producer's span for consumers to link to.
    /// </summary>
    public static void ContinueFrom(Activity? store, MessageRecord[] records)
    {
        if (store is null)
        {
            return;
        }

        for (var i = 0; i < records.Length; i++)
        {
            records[i] = MessageTraceContext.ContinuedBy(store, records[i]);
        }
    }

    /// <summary>The span of handing popped messages to a consumer: a child of its receive call, linked to each message's store span (or producer).</summary>
    public static Activity? StartDeliver(string topic, string group, IReadOnlyList<PoppedMessage> messages, ClientMetadata metadata)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var activity = Start($"{topic} deliver", ActivityKind.Producer, metadata.CallerContext, Links(messages.Select(m => m.Message.Properties), MessageTraceContext.ReadLastHop));
        if (activity is { IsAllDataRequested: true })
        {
            SetCommonTags(activity, topic, "send", "deliver", messages.Count);
            activity.SetTag(ConsumerGroup, group);
            activity.SetTag(ClientId, metadata.ClientId);
            if (messages.Count == 1)
            {
                var message = messages[0];
                activity.SetTag(MessageId, message.Message.Properties.GetValueOrDefault(MessageProperties.MessageId));
                activity.SetTag(Partition, message.Message.QueueId.ToString(CultureInfo.InvariantCulture));
                activity.SetTag(DeliveryAttempt, message.DeliveryAttempt);
            }
        }

        return activity;
    }

    /// <summary>Marks a span failed the way the conventions ask: status error and <c>error.type</c>.</summary>
    public static void SetError(Activity? activity, string errorType, string description)
    {
        activity?.SetStatus(ActivityStatusCode.Error, description);
        activity?.SetTag(ErrorType, errorType);
    }

    private static Activity? Start(string name, ActivityKind kind, ActivityContext parent, IEnumerable<ActivityLink>? links)
    {
        if (parent == default)
        {
            // ASP.NET Core's own request activity is current here and nobody exports it: without a caller's
            // context, this span starts a trace of its own rather than pointing at a parent no one will see.
            Activity.Current = null;
        }

        return Source.StartActivity(name, kind, parent, links: links);
    }

    private static ActivityLink[] Links(IEnumerable<IReadOnlyDictionary<string, string>> messages, Func<IReadOnlyDictionary<string, string>, ActivityContext> read) =>
        messages.Select(read).Where(context => context != default).Distinct().Select(context => new ActivityLink(context)).ToArray();

    private static void SetCommonTags(Activity activity, string topic, string operationType, string operationName, int count)
    {
        activity.SetTag(System, SystemValue);
        activity.SetTag(OperationType, operationType);
        activity.SetTag(OperationName, operationName);
        activity.SetTag(Destination, topic);
        if (count > 1)
        {
            activity.SetTag(BatchCount, count);
        }
    }
}
