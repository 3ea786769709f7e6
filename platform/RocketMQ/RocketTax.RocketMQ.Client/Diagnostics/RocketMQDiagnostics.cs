using System.Diagnostics;
using System.Diagnostics.Metrics;
using RocketTax.RocketMQ.Client.Session;

namespace RocketTax.RocketMQ.Client.Diagnostics;

/// <summary>
/// The client's one <see cref="ActivitySource"/> and one <see cref="System.Diagnostics.Metrics.Meter"/>, both named
/// after the assembly, and the instruments of the messaging semantic conventions.
/// </summary>
internal static class RocketMQDiagnostics
{
    /// <summary>The name of the source and of the meter: <c>RocketTax.RocketMQ.Client</c>.</summary>
    public const string Name = "RocketTax.RocketMQ.Client";

    public static readonly ActivitySource Source = new(Name, ClientIdentity.Version);

    public static readonly Meter Meter = new(Name, ClientIdentity.Version);

    /// <summary><c>messaging.client.operation.duration</c>: send, receive, ack, nack, ... in seconds.</summary>
    public static readonly Histogram<double> OperationDuration = Meter.CreateHistogram<double>(
        "messaging.client.operation.duration", "s", "Duration of messaging operations initiated by the client.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 30] });

    /// <summary><c>messaging.process.duration</c>: how long handlers took, in seconds.</summary>
    public static readonly Histogram<double> ProcessDuration = Meter.CreateHistogram<double>(
        "messaging.process.duration", "s", "Duration of processing operations (the push consumer's handler).");

    /// <summary><c>messaging.client.sent.messages</c>.</summary>
    public static readonly Counter<long> SentMessages = Meter.CreateCounter<long>(
        "messaging.client.sent.messages", "{message}", "Messages the producer sent (successfully or not).");

    /// <summary><c>messaging.client.consumed.messages</c>.</summary>
    public static readonly Counter<long> ConsumedMessages = Meter.CreateCounter<long>(
        "messaging.client.consumed.messages", "{message}", "Messages a consumer received and handed to the application.");

    public const string System = "messaging.system";
    public const string SystemValue = "rocketmq";
    public const string OperationType = "messaging.operation.type";
    public const string OperationName = "messaging.operation.name";
    public const string Destination = "messaging.destination.name";
    public const string MessageId = "messaging.message.id";
    public const string Tag = "messaging.rocketmq.message.tag";
    public const string Keys = "messaging.rocketmq.message.keys";
    public const string MessageType = "messaging.rocketmq.message.type";
    public const string ClientGroup = "messaging.consumer.group.name";
    public const string ClientId = "messaging.client.id";
    public const string BatchCount = "messaging.batch.message_count";
    public const string DeliveryAttempt = "messaging.rocketmq.message.delivery_attempt";
    public const string BodySize = "messaging.message.body.size";
    public const string ServerAddress = "server.address";
    public const string ServerPort = "server.port";
    public const string ErrorType = "error.type";

    /// <summary>Records one operation's duration with the convention's attributes.</summary>
    public static void RecordOperation(string operation, string operationType, string topic, EndpointAddress? endpoint, TimeSpan elapsed, Exception? error, string? group = null)
    {
        if (!OperationDuration.Enabled)
        {
            return;
        }

        var tags = new TagList
        {
            { System, SystemValue },
            { OperationName, operation },
            { OperationType, operationType },
            { Destination, topic },
        };
        if (endpoint is not null)
        {
            tags.Add(ServerAddress, endpoint.Host);
            tags.Add(ServerPort, endpoint.Port);
        }

        if (group is not null)
        {
            tags.Add(ClientGroup, group);
        }

        if (error is not null)
        {
            tags.Add(ErrorType, error is RocketMQException { StatusCode: { } code } ? code.ToString(global::System.Globalization.CultureInfo.InvariantCulture) : error.GetType().FullName);
        }

        OperationDuration.Record(elapsed.TotalSeconds, tags);
    }

    /// <summary>Marks an activity failed the way the conventions ask (status error + <c>error.type</c>).</summary>
    public static void SetError(Activity? activity, Exception error)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetStatus(ActivityStatusCode.Error, error.Message);
        activity.SetTag(ErrorType, error is RocketMQException { StatusCode: { } code } ? code.ToString(global::System.Globalization.CultureInfo.InvariantCulture) : error.GetType().FullName);
    }
}
