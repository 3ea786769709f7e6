using System.Diagnostics;
using Apache.Rocketmq.V2;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RocketTax.RocketMQ.Client.Diagnostics;
using RocketTax.RocketMQ.Client.Session;

namespace RocketTax.RocketMQ.Client;

/// <summary>
/// Sends messages. Queues are taken round-robin across brokers and queues; a failed send is retried on
/// another broker, as the server's retry policy allows. Each send is traced as <c>"{topic} publish"</c>
/// and carries its trace context to consumers in the <c>traceparent</c> property.
/// </summary>
public sealed class Producer : IAsyncDisposable
{
    private readonly ProducerOptions _options;
    private readonly ClientSession _session;
    private int _disposed;

    /// <summary>Creates a producer; nothing is sent until <see cref="StartAsync"/> or the first <see cref="SendAsync"/>.</summary>
    /// <exception cref="ArgumentException">A setting of <paramref name="options"/> is invalid; the exception names it.</exception>
    public Producer(ProducerOptions options, ILogger<Producer>? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _session = new ClientSession(options, ClientType.Producer, group: null, CompleteSettings,
            logger ?? NullLogger<Producer>.Instance, timeProvider ?? TimeProvider.System, options.MaxAttempts);
    }

    internal ClientSession Session => _session;

    /// <summary>This client's id, as the broker sees it (<c>x-mq-client-id</c>).</summary>
    public string ClientId => _session.ClientId;

    /// <summary>Fetches the routes of the configured topics and completes the Telemetry handshake.</summary>
    /// <exception cref="RocketMQConnectionException">An endpoint could not be reached within the request timeout.</exception>
    public Task StartAsync(CancellationToken cancellationToken = default) => _session.StartAsync(_options.Topics, cancellationToken);

    /// <summary>Sends one message and returns where the broker stored it.</summary>
    /// <exception cref="ArgumentException">The body is larger than the broker accepts.</exception>
    /// <exception cref="RocketMQException">Every attempt failed; the last failure is reported with its status code and endpoint.</exception>
    public async Task<SendReceipt> SendAsync(Message message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        CheckBodySize(message);
        cancellationToken.ThrowIfCancellationRequested();
        await _session.StartAsync(_options.Topics, cancellationToken).ConfigureAwait(false);
        CheckBodySize(message);

        var messageId = _session.MessageIds.Next();
        using var activity = RocketMQDiagnostics.Source.StartActivity($"{message.Topic} publish", ActivityKind.Producer);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(RocketMQDiagnostics.System, RocketMQDiagnostics.SystemValue);
            activity.SetTag(RocketMQDiagnostics.OperationType, "publish");
            activity.SetTag(RocketMQDiagnostics.OperationName, "send");
            activity.SetTag(RocketMQDiagnostics.Destination, message.Topic);
            activity.SetTag(RocketMQDiagnostics.MessageId, messageId);
            activity.SetTag(RocketMQDiagnostics.ClientId, _session.ClientId);
            activity.SetTag(RocketMQDiagnostics.BodySize, message.Body.Length);
            if (message.Tag is { } tag)
            {
                activity.SetTag(RocketMQDiagnostics.Tag, tag);
            }

            if (message.Keys.Count > 0)
            {
                activity.SetTag(RocketMQDiagnostics.Keys, message.Keys.ToArray());
            }
        }

        var started = _session.Time.GetTimestamp();
        EndpointAddress? endpoint = null;
        try
        {
            var (receipt, usedEndpoint) = await SendWithRetriesAsync(message, messageId, activity, cancellationToken).ConfigureAwait(false);
            endpoint = usedEndpoint;
            Record(message.Topic, endpoint, started, error: null);
            return receipt;
        }
        catch (Exception ex)
        {
            RocketMQDiagnostics.SetError(activity, ex);
            Record(message.Topic, (ex as RocketMQException)?.Endpoint is { } failed ? TryParse(failed) : endpoint, started, ex);
            throw;
        }
    }

    /// <summary>Tells the brokers this client is leaving (NotifyClientTermination) and closes its connections.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await _session.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task<(SendReceipt Receipt, EndpointAddress Endpoint)> SendWithRetriesAsync(
        Message message, string messageId, Activity? activity, CancellationToken cancellationToken)
    {
        var route = await _session.GetRouteAsync(message.Topic, cancellationToken).ConfigureAwait(false);
        var policy = _session.Server.Backoff;
        var maxAttempts = Math.Max(1, policy.MaxAttempts);
        IReadOnlyList<RouteQueue> candidates = message.MessageGroup is { } group
            ? [route.PublishQueueFor(group)]
            : route.TakePublishQueues(maxAttempts, _session.IsIsolated);
        var proto = ToProtocol(message, messageId, activity);
        for (var attempt = 1; ; attempt++)
        {
            var queue = candidates[(attempt - 1) % candidates.Count];
            activity?.SetTag(RocketMQDiagnostics.ServerAddress, queue.Endpoint.Host);
            activity?.SetTag(RocketMQDiagnostics.ServerPort, queue.Endpoint.Port);
            proto.SystemProperties.QueueId = queue.QueueId;
            proto.SystemProperties.BornTimestamp = Timestamp.FromDateTimeOffset(_session.Time.GetUtcNow());
            try
            {
                var receipt = await SendOnceAsync(proto, message.Topic, queue, cancellationToken).ConfigureAwait(false);
                return (receipt, queue.Endpoint);
            }
            catch (RocketMQException ex) when (ex.IsRetryable && attempt < maxAttempts && !cancellationToken.IsCancellationRequested)
            {
                if (ex is RocketMQConnectionException)
                {
                    _session.Isolate(queue.Endpoint);
                }

                _session.InvalidateRoute(message.Topic);
                _session.Logger.SendRetry(messageId, message.Topic, queue.Endpoint.ToString(), attempt, maxAttempts, ex);
                await Task.Delay(policy.NextDelay(attempt), _session.Time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<SendReceipt> SendOnceAsync(Apache.Rocketmq.V2.Message proto, string topic, RouteQueue queue, CancellationToken cancellationToken)
    {
        var request = new SendMessageRequest { Messages = { proto } };
        var operation = $"SendMessage to topic '{topic}'";
        var response = await _session.CallAsync(queue.Endpoint, operation,
            (client, call) => client.SendMessageAsync(request, call), cancellationToken).ConfigureAwait(false);
        StatusCheck.ThrowIfFailed(response.Status, operation, queue.Endpoint);
        if (response.Entries.Count == 0)
        {
            throw new RocketMQException($"{queue.Endpoint} answered {operation} without a result entry.", endpoint: queue.Endpoint.ToString());
        }

        var entry = response.Entries[0];
        StatusCheck.ThrowIfFailed(entry.Status, operation, queue.Endpoint);
        return new SendReceipt(
            string.IsNullOrEmpty(entry.MessageId) ? proto.SystemProperties.MessageId : entry.MessageId,
            topic, queue.BrokerName, queue.QueueId, entry.Offset, entry.TransactionId);
    }

    private Apache.Rocketmq.V2.Message ToProtocol(Message message, string messageId, Activity? activity)
    {
        var system = new SystemProperties
        {
            MessageId = messageId,
            BornHost = ClientIdentity.HostName,
            BodyEncoding = Apache.Rocketmq.V2.Encoding.Identity,
            MessageType = message.MessageGroup is not null ? MessageType.Fifo
                : message.DeliveryTimestamp is not null ? MessageType.Delay
                : MessageType.Normal,
        };
        system.Keys.AddRange(message.Keys);
        if (message.Tag is { } tag)
        {
            system.Tag = tag;
        }

        if (message.MessageGroup is { } group)
        {
            system.MessageGroup = group;
        }

        if (message.DeliveryTimestamp is { } delivery)
        {
            system.DeliveryTimestamp = Timestamp.FromDateTimeOffset(delivery);
        }

        var proto = new Apache.Rocketmq.V2.Message
        {
            Topic = _session.Resource(message.Topic),
            SystemProperties = system,
            Body = UnsafeByteOperations.UnsafeWrap(message.Body),
        };
        foreach (var (name, value) in message.Properties)
        {
            proto.UserProperties[name] = value;
        }

        // Propagate the publish span, or the caller's context when nobody listens to this library's spans.
        var context = activity?.Context ?? Activity.Current?.Context;
        if (context is { } ctx && ctx != default)
        {
            var traceParent = TraceContext.Format(ctx);
            proto.UserProperties[TraceContext.TraceParent] = traceParent;
            system.TraceContext = traceParent;
            if (!string.IsNullOrEmpty(ctx.TraceState))
            {
                proto.UserProperties[TraceContext.TraceState] = ctx.TraceState;
            }
        }

        return proto;
    }

    private void CheckBodySize(Message message)
    {
        var max = _session.Server.MaxBodySize;
        if (message.Body.Length > max)
        {
            throw new ArgumentException(
                $"The message body has {message.Body.Length} bytes; the broker accepts at most {max} (maxMessageSize).", nameof(Message.Body));
        }
    }

    private void Record(string topic, EndpointAddress? endpoint, long started, Exception? error)
    {
        RocketMQDiagnostics.RecordOperation("send", "publish", topic, endpoint, _session.Time.GetElapsedTime(started), error);
        if (RocketMQDiagnostics.SentMessages.Enabled)
        {
            RocketMQDiagnostics.SentMessages.Add(1,
                new KeyValuePair<string, object?>(RocketMQDiagnostics.System, RocketMQDiagnostics.SystemValue),
                new KeyValuePair<string, object?>(RocketMQDiagnostics.Destination, topic),
                new KeyValuePair<string, object?>(RocketMQDiagnostics.ErrorType, error is null ? null : error.GetType().Name));
        }
    }

    private static EndpointAddress? TryParse(string endpoint)
    {
        try
        {
            return EndpointAddress.ParseList(endpoint, nameof(endpoint))[0];
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private Settings CompleteSettings(Settings settings)
    {
        settings.Publishing = new Publishing { ValidateMessageType = true };
        foreach (var topic in _options.Topics)
        {
            settings.Publishing.Topics.Add(_session.Resource(topic));
        }

        settings.BackoffPolicy = new RetryPolicy
        {
            MaxAttempts = _options.MaxAttempts,
            ExponentialBackoff = new ExponentialBackoff
            {
                Initial = Duration.FromTimeSpan(TimeSpan.FromMilliseconds(10)),
                Max = Duration.FromTimeSpan(TimeSpan.FromSeconds(1)),
                Multiplier = 2,
            },
        };
        return settings;
    }
}
