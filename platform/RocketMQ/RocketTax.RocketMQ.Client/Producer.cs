using System.Collections.Concurrent;
using System.Diagnostics;
using Apache.Rocketmq.V2;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RocketTax.RocketMQ.Client.Diagnostics;
using RocketTax.RocketMQ.Client.Session;
using RocketTax.RocketMQ.Client.Transactions;

namespace RocketTax.RocketMQ.Client;

/// <summary>
/// Sends messages. Queues are taken round-robin across brokers and queues; a failed send is retried on
/// another broker, as the server's retry policy allows. Each send is traced as <c>"{topic} publish"</c>
/// and carries its trace context to consumers in the <c>traceparent</c> property. Transactional messages are sent
/// in an <see cref="ITransaction"/> and the brokers' checks of open ones go to <see cref="ProducerOptions.TransactionChecker"/>.
/// </summary>
public sealed class Producer : IAsyncDisposable
{
    private readonly ProducerOptions _options;
    private readonly ClientSession _session;
    private readonly TransactionChecks _transactionChecks;

    /// <summary>The topics announced in the Telemetry settings: brokers ask only a producer of a topic about its transactions.</summary>
    private readonly ConcurrentDictionary<string, byte> _publishedTopics = new(StringComparer.Ordinal);
    private int _disposed;

    /// <summary>Creates a producer; nothing is sent until <see cref="StartAsync"/> or the first <see cref="SendAsync"/>.</summary>
    /// <exception cref="ArgumentException">A setting of <paramref name="options"/> is invalid; the exception names it.</exception>
    public Producer(ProducerOptions options, ILogger<Producer>? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        foreach (var topic in options.Topics)
        {
            _publishedTopics[topic] = 0;
        }

        var log = logger ?? NullLogger<Producer>.Instance;
        _transactionChecks = new TransactionChecks(options.TransactionChecker, EndTransactionAsync, log);
        _session = new ClientSession(options, ClientType.Producer, group: null, CompleteSettings, log, timeProvider ?? TimeProvider.System, options.MaxAttempts)
        {
            TransactionChecks = _transactionChecks.Enqueue,
        };
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
        var (receipt, _) = await SendCoreAsync(message, transactional: false, cancellationToken).ConfigureAwait(false);
        return receipt;
    }

    /// <summary>Begins a transaction: send its message with <see cref="SendAsync(Message, ITransaction, CancellationToken)"/>, then commit or roll back.</summary>
    public ITransaction BeginTransaction()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return new Transaction(this);
    }

    /// <summary>
    /// Sends a message of a TRANSACTION topic as a half message: consumers see it only after
    /// <see cref="ITransaction.CommitAsync"/>. Sent once, never retried, so the broker never holds two halves of one message.
    /// </summary>
    /// <exception cref="ArgumentException">The transaction is not this producer's, or the message has a message group or delivery time.</exception>
    /// <exception cref="InvalidOperationException">The transaction already carries a message.</exception>
    /// <exception cref="RocketMQException">The broker refused, e.g. MESSAGE_PROPERTY_CONFLICT_WITH_TYPE (40014) when the topic is not a TRANSACTION topic.</exception>
    public async Task<SendReceipt> SendAsync(Message message, ITransaction transaction, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(transaction);
        if (transaction is not Transaction owned || owned.Producer != this)
        {
            throw new ArgumentException("The transaction was not begun by this producer; use producer.BeginTransaction().", nameof(transaction));
        }

        if (message.MessageGroup is not null || message.DeliveryTimestamp is not null)
        {
            throw new ArgumentException("A transactional message cannot carry a message group or a delivery time.", nameof(message));
        }

        owned.Reserve();
        try
        {
            var (receipt, endpoint) = await SendCoreAsync(message, transactional: true, cancellationToken).ConfigureAwait(false);
            owned.Hold(new HalfMessage(message.Topic, receipt.MessageId, receipt.TransactionId, endpoint));
            return receipt;
        }
        catch
        {
            owned.Release();
            throw;
        }
    }

    /// <summary>Tells the broker that holds a half message to deliver or drop it.</summary>
    internal async Task EndTransactionAsync(HalfMessage half, bool commit, TransactionSource source, CancellationToken cancellationToken)
    {
        var request = new EndTransactionRequest
        {
            Topic = _session.Resource(half.Topic),
            MessageId = half.MessageId,
            TransactionId = half.TransactionId,
            Resolution = commit ? Apache.Rocketmq.V2.TransactionResolution.Commit : Apache.Rocketmq.V2.TransactionResolution.Rollback,
            Source = source,
        };
        var operation = $"EndTransaction ({(commit ? "commit" : "rollback")}) of message {half.MessageId} (topic '{half.Topic}')";
        var response = await _session.CallAsync(half.Endpoint, operation,
            (client, call) => client.EndTransactionAsync(request, call), cancellationToken).ConfigureAwait(false);
        StatusCheck.ThrowIfFailed(response.Status, operation, half.Endpoint);
    }

    private async Task<(SendReceipt Receipt, EndpointAddress Endpoint)> SendCoreAsync(Message message, bool transactional, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        CheckBodySize(message);
        cancellationToken.ThrowIfCancellationRequested();
        await _session.StartAsync(_options.Topics, cancellationToken).ConfigureAwait(false);
        CheckBodySize(message);
        if (_publishedTopics.TryAdd(message.Topic, 0))
        {
            await _session.SyncSettingsAsync(cancellationToken).ConfigureAwait(false);
        }

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
            var (receipt, usedEndpoint) = await SendWithRetriesAsync(message, messageId, transactional, activity, cancellationToken).ConfigureAwait(false);
            endpoint = usedEndpoint;
            Record(message.Topic, endpoint, started, error: null);
            return (receipt, usedEndpoint);
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
            await _transactionChecks.StopAsync().ConfigureAwait(false);
            await _session.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task<(SendReceipt Receipt, EndpointAddress Endpoint)> SendWithRetriesAsync(
        Message message, string messageId, bool transactional, Activity? activity, CancellationToken cancellationToken)
    {
        var route = await _session.GetRouteAsync(message.Topic, cancellationToken).ConfigureAwait(false);
        var policy = _session.Server.Backoff;
        // A retried transactional send could leave two half messages, one of them never ended: it is sent once.
        var maxAttempts = transactional ? 1 : Math.Max(1, policy.MaxAttempts);
        IReadOnlyList<RouteQueue> candidates = message.MessageGroup is { } group
            ? [route.PublishQueueFor(group)]
            : route.TakePublishQueues(maxAttempts, _session.IsIsolated);
        var proto = ToProtocol(message, messageId, transactional, activity);
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
                var delay = policy.NextDelay(attempt);
                if (ex.IsThrottled)
                {
                    // A throttling broker is healthy and its route is right: isolating it or querying routes again
                    // would only add load; backing off, and the next attempt's other broker, is what relieves it.
                    _session.Logger.SendThrottled(messageId, message.Topic, queue.Endpoint.ToString(), attempt, maxAttempts, delay.TotalMilliseconds);
                }
                else
                {
                    if (ex is RocketMQConnectionException)
                    {
                        _session.Isolate(queue.Endpoint);
                    }

                    _session.InvalidateRoute(message.Topic);
                    _session.Logger.SendRetry(messageId, message.Topic, queue.Endpoint.ToString(), attempt, maxAttempts, ex);
                }

                await Task.Delay(delay, _session.Time, cancellationToken).ConfigureAwait(false);
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

    private Apache.Rocketmq.V2.Message ToProtocol(Message message, string messageId, bool transactional, Activity? activity)
    {
        var system = new SystemProperties
        {
            MessageId = messageId,
            BornHost = ClientIdentity.HostName,
            BodyEncoding = Apache.Rocketmq.V2.Encoding.Identity,
            MessageType = transactional ? MessageType.Transaction
                : message.MessageGroup is not null ? MessageType.Fifo
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
        foreach (var topic in _publishedTopics.Keys)
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
