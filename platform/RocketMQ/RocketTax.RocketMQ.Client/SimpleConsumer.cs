using System.Collections.Concurrent;
using Apache.Rocketmq.V2;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RocketTax.RocketMQ.Client.Consumer;
using RocketTax.RocketMQ.Client.Diagnostics;
using RocketTax.RocketMQ.Client.Session;

namespace RocketTax.RocketMQ.Client;

/// <summary>
/// Receives messages when the application asks, and leaves acking to it: each received message stays
/// invisible to the group for the given duration, and comes back unless it is acked in time.
/// </summary>
public sealed class SimpleConsumer : IAsyncDisposable
{
    /// <summary>Most messages one receive returns, as RocketMQ limits it.</summary>
    public const int MaxBatchSize = 32;

    private readonly SimpleConsumerOptions _options;
    private readonly ClientSession _session;
    private readonly ConsumerCalls _calls;
    private readonly string[] _topics;
    private readonly ConcurrentDictionary<string, string> _brokerWithMessages = new(StringComparer.Ordinal);
    private int _topicIndex = -1;
    private int _receiveTurn = -1;
    private int _disposed;

    /// <summary>Creates a simple consumer; nothing is sent until <see cref="StartAsync"/> or the first receive.</summary>
    /// <exception cref="ArgumentException">A setting of <paramref name="options"/> is invalid; the exception names it.</exception>
    public SimpleConsumer(SimpleConsumerOptions options, ILogger<SimpleConsumer>? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _topics = [.. options.Subscriptions.Keys];
        _session = new ClientSession(options, ClientType.SimpleConsumer, options.ConsumerGroup, CompleteSettings,
            logger ?? NullLogger<SimpleConsumer>.Instance, timeProvider ?? TimeProvider.System);
        _calls = new ConsumerCalls(_session, options.ConsumerGroup);
    }

    internal ClientSession Session => _session;

    /// <summary>This client's id, as the broker sees it.</summary>
    public string ClientId => _session.ClientId;

    /// <summary>The consumer group.</summary>
    public string ConsumerGroup => _options.ConsumerGroup;

    /// <summary>Fetches the subscribed topics' routes and completes the Telemetry handshake.</summary>
    public Task StartAsync(CancellationToken cancellationToken = default) => _session.StartAsync(_topics, cancellationToken);

    /// <summary>
    /// Receives up to <paramref name="maxMessages"/> messages from the next subscribed topic and broker, waiting up to
    /// <see cref="SimpleConsumerOptions.AwaitDuration"/> for some to arrive; an empty list when none did. While another
    /// broker of the topic gave messages last time, the turn's broker is asked without waiting, and the wait is spent on
    /// that other broker if it had none. Messages whose body fails the digest check are logged and left to come back.
    /// </summary>
    public async Task<IReadOnlyList<MessageView>> ReceiveAsync(int maxMessages, TimeSpan invisibleDuration, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxMessages, MaxBatchSize);
        if (invisibleDuration <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(invisibleDuration), invisibleDuration, "The invisible duration must be positive (the broker's minimum is usually 10 s).");
        }

        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await _session.StartAsync(_topics, cancellationToken).ConfigureAwait(false);
        var topic = _topics[(uint)Interlocked.Increment(ref _topicIndex) % _topics.Length];
        var route = await _session.GetRouteAsync(topic, cancellationToken).ConfigureAwait(false);
        var queue = route.ReceiveQueue((uint)Interlocked.Increment(ref _receiveTurn), _session.IsIsolated);
        var busy = BusyBrokerBesides(route, queue);
        var result = await ReceiveFromAsync(topic, queue, maxMessages, invisibleDuration, busy is null ? _options.AwaitDuration : TimeSpan.Zero, cancellationToken)
            .ConfigureAwait(false);
        if (busy is not null && result.Messages.Count == 0)
        {
            // A long poll on the turn's broker would hold this receive for the whole await duration while the busy
            // broker's messages wait: taking turns with an idle broker would cap a backlog's drain at one batch per wait.
            queue = busy;
            result = await ReceiveFromAsync(topic, queue, maxMessages, invisibleDuration, _options.AwaitDuration, cancellationToken).ConfigureAwait(false);
        }

        if (result.Messages.Count > 0)
        {
            _brokerWithMessages[topic] = queue.BrokerName;
        }
        else
        {
            _brokerWithMessages.TryRemove(topic, out _);
        }

        if (result.Messages.Count > 0 && RocketMQDiagnostics.ConsumedMessages.Enabled)
        {
            RocketMQDiagnostics.ConsumedMessages.Add(result.Messages.Count,
                new KeyValuePair<string, object?>(RocketMQDiagnostics.System, RocketMQDiagnostics.SystemValue),
                new KeyValuePair<string, object?>(RocketMQDiagnostics.Destination, topic),
                new KeyValuePair<string, object?>(RocketMQDiagnostics.ClientGroup, _options.ConsumerGroup));
        }

        return result.Messages;
    }

    /// <summary>Acknowledges a message: the group will not receive it again.</summary>
    /// <exception cref="RocketMQException">The broker refused the ack, e.g. INVALID_RECEIPT_HANDLE (40013) when the invisible duration already ran out.</exception>
    public Task AckAsync(MessageView message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return _calls.AckAsync(message, cancellationToken);
    }

    /// <summary>Keeps a received message invisible for <paramref name="invisibleDuration"/> from now (a short one hands it back sooner).</summary>
    public Task ChangeInvisibleDurationAsync(MessageView message, TimeSpan invisibleDuration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (invisibleDuration < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(invisibleDuration), invisibleDuration, "The invisible duration must not be negative.");
        }

        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return _calls.ChangeInvisibleDurationAsync(message, invisibleDuration, cancellationToken);
    }

    /// <summary>Tells the brokers this client is leaving and closes its connections.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await _session.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The queue of the broker that gave messages on this topic's last receive, when that is another broker than <paramref name="queue"/>'s and not isolated.</summary>
    private RouteQueue? BusyBrokerBesides(TopicRoute route, RouteQueue queue) =>
        _brokerWithMessages.TryGetValue(route.Topic, out var broker) && broker != queue.BrokerName
            && route.ReceiveQueueOf(broker) is { } busy && !_session.IsIsolated(busy.Endpoint)
            ? busy
            : null;

    /// <summary>One receive call on <paramref name="queue"/>'s broker; a broker that cannot be reached is isolated and the topic's route refreshed.</summary>
    private async Task<ReceiveResult> ReceiveFromAsync(
        string topic, RouteQueue queue, int maxMessages, TimeSpan invisibleDuration, TimeSpan wait, CancellationToken cancellationToken)
    {
        try
        {
            return await _calls.ReceiveAsync(queue, _options.Subscriptions[topic], maxMessages, invisibleDuration, wait, cancellationToken).ConfigureAwait(false);
        }
        catch (RocketMQConnectionException)
        {
            _session.Isolate(queue.Endpoint);
            _session.InvalidateRoute(topic);
            throw;
        }
    }

    private Settings CompleteSettings(Settings settings)
    {
        settings.Subscription = SubscriptionSettings.Create(_session, _options.ConsumerGroup, _options.Subscriptions);
        settings.Subscription.LongPollingTimeout = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(_options.AwaitDuration);
        return settings;
    }
}
