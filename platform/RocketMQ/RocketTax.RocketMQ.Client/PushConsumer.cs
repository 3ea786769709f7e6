using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using Apache.Rocketmq.V2;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RocketTax.RocketMQ.Client.Consumer;
using RocketTax.RocketMQ.Client.Diagnostics;
using RocketTax.RocketMQ.Client.Session;
using Assignment = RocketTax.RocketMQ.Client.Consumer.Assignment;

namespace RocketTax.RocketMQ.Client;

/// <summary>
/// Receives messages in the background and hands each to an <see cref="IMessageHandler"/>, at most
/// <see cref="PushConsumerOptions.MaxConcurrency"/> at once. Success acks the message; failure (or an exception)
/// hands it back with the server's backoff for that attempt, and the last allowed attempt moves it to the DLQ.
/// Messages stay invisible while they wait or run (renewed with ChangeInvisibleDuration). For an orderly (FIFO) group
/// the messages of one message group are handled one at a time, in order, and a failed one is handled again in its
/// place after the backoff, before the next of its group.
/// </summary>
public sealed class PushConsumer : IAsyncDisposable
{
    private static readonly TimeSpan AssignmentScanPeriod = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan RenewalCheckPeriod = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);
    private const int SettleAttempts = 3;

    private readonly PushConsumerOptions _options;
    private readonly IMessageHandler _handler;
    private readonly ClientSession _session;
    private readonly ConsumerCalls _calls;
    private readonly AckBatcher _acks;
    private readonly ILogger _logger;
    private readonly Channel<Delivery> _dispatch = Channel.CreateUnbounded<Delivery>(new UnboundedChannelOptions { SingleReader = false });
    private readonly SemaphoreSlim _cacheSlots;
    private readonly ConcurrentDictionary<MessageLease, byte> _leases = new();
    private readonly ConcurrentDictionary<string, (CancellationTokenSource Stop, Task Loop)> _receiveLoops = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _receiving = new();
    private readonly CancellationTokenSource _handlers = new();
    private readonly CancellationTokenSource _renewing = new();
    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private Task _assignmentLoop = Task.CompletedTask;
    private Task _renewalLoop = Task.CompletedTask;
    private Task _ackLoop = Task.CompletedTask;
    private Task[] _workers = [];
    private bool _started;
    private bool _stopped;

    /// <summary>Creates a push consumer; it receives nothing until <see cref="StartAsync"/>.</summary>
    /// <exception cref="ArgumentException">A setting of <paramref name="options"/> is invalid; the exception names it.</exception>
    public PushConsumer(PushConsumerOptions options, IMessageHandler handler, ILogger<PushConsumer>? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(handler);
        options.Validate();
        _options = options;
        _handler = handler;
        _logger = logger ?? NullLogger<PushConsumer>.Instance;
        _session = new ClientSession(options, ClientType.PushConsumer, options.ConsumerGroup, CompleteSettings, _logger, timeProvider ?? TimeProvider.System);
        _calls = new ConsumerCalls(_session, options.ConsumerGroup);
        _acks = new AckBatcher(messages => _calls.AckAsync(messages, CancellationToken.None));
        _cacheSlots = new SemaphoreSlim(options.MaxCachedMessages);
    }

    /// <summary>Creates a push consumer that calls <paramref name="handler"/> for each message.</summary>
    public PushConsumer(PushConsumerOptions options, Func<MessageView, CancellationToken, ValueTask<ConsumeResult>> handler,
        ILogger<PushConsumer>? logger = null, TimeProvider? timeProvider = null)
        : this(options, new DelegateMessageHandler(handler), logger, timeProvider)
    {
    }

    internal ClientSession Session => _session;

    /// <summary>This client's id, as the broker sees it.</summary>
    public string ClientId => _session.ClientId;

    /// <summary>The consumer group.</summary>
    public string ConsumerGroup => _options.ConsumerGroup;

    /// <summary>Handlers running or messages waiting for one.</summary>
    public int InFlightMessages => _leases.Count;

    /// <summary>Connects (routes, Telemetry handshake), queries the assignments and starts receiving.</summary>
    /// <exception cref="RocketMQConnectionException">An endpoint could not be reached within the request timeout.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await _lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_stopped, this);
            if (_started)
            {
                return;
            }

            await _session.StartAsync(_options.Subscriptions.Keys, cancellationToken).ConfigureAwait(false);
            _ackLoop = Task.Run(_acks.RunAsync);
            _workers = [.. Enumerable.Range(0, _options.MaxConcurrency).Select(_ => Task.Run(WorkAsync))];
            _renewalLoop = Task.Run(RenewAsync);
            await ScanAssignmentsAsync(_receiving.Token).ConfigureAwait(false);
            _assignmentLoop = Task.Run(AssignmentLoopAsync);
            _started = true;
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>
    /// Stops receiving, lets waiting and running handlers finish (cancelling them when <paramref name="cancellationToken"/>
    /// fires), settles their messages, then tells the brokers this client is leaving.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        await _lifecycle.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (_stopped)
            {
                return;
            }

            _stopped = true;
            await _receiving.CancelAsync().ConfigureAwait(false);
            await _assignmentLoop.ConfigureAwait(false);
            // An in-order receive loop ends once the message it is handling is settled, so it gets the same grace.
            await FinishHandlersAsync(Task.WhenAll(_receiveLoops.Values.Select(l => l.Loop)), cancellationToken).ConfigureAwait(false);
            _dispatch.Writer.TryComplete();
            await FinishHandlersAsync(Task.WhenAll(_workers), cancellationToken).ConfigureAwait(false);

            _acks.Complete();
            await _ackLoop.ConfigureAwait(false);

            await _renewing.CancelAsync().ConfigureAwait(false);
            await _renewalLoop.ConfigureAwait(false);
            await _session.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>Stops as <see cref="StopAsync"/> does, giving handlers <see cref="PushConsumerOptions.ShutdownTimeout"/> to finish.</summary>
    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(_options.ShutdownTimeout);
        await StopAsync(timeout.Token).ConfigureAwait(false);
        foreach (var (stop, _) in _receiveLoops.Values)
        {
            stop.Dispose();
        }

        _receiving.Dispose();
        _handlers.Dispose();
        _renewing.Dispose();
    }

    /// <summary>Waits for <paramref name="work"/>; when <paramref name="cancellationToken"/> fires first, cancels the handlers and waits for it to settle.</summary>
    private async Task FinishHandlersAsync(Task work, CancellationToken cancellationToken)
    {
        try
        {
            await work.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            if (!_handlers.IsCancellationRequested)
            {
                _logger.ShutdownTimedOut(_options.ConsumerGroup, _options.ShutdownTimeout);
                await _handlers.CancelAsync().ConfigureAwait(false);
            }

            // Handlers now see cancellation; their messages are still settled (nacked) before the client leaves.
            await work.ConfigureAwait(false);
        }
    }

    private async Task AssignmentLoopAsync()
    {
        using var timer = new PeriodicTimer(AssignmentScanPeriod, _session.Time);
        try
        {
            while (await timer.WaitForNextTickAsync(_receiving.Token).ConfigureAwait(false))
            {
                try
                {
                    await ScanAssignmentsAsync(_receiving.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (!_receiving.IsCancellationRequested)
                {
                    // A failed scan must not stop the consumer from picking up new brokers for its life.
                    _logger.BackgroundWorkFailed(nameof(ScanAssignmentsAsync), _session.ClientId, ex);
                }
            }
        }
        catch (OperationCanceledException) when (_receiving.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task ScanAssignmentsAsync(CancellationToken cancellationToken)
    {
        foreach (var (topic, filter) in _options.Subscriptions)
        {
            try
            {
                var latest = await QueryAssignmentsAsync(topic, filter, cancellationToken).ConfigureAwait(false);
                foreach (var assignment in latest.Values)
                {
                    if (!_receiveLoops.ContainsKey(assignment.Key))
                    {
                        var stop = CancellationTokenSource.CreateLinkedTokenSource(_receiving.Token);
                        _receiveLoops[assignment.Key] = (stop, Task.Run(() => ReceiveLoopAsync(assignment, stop.Token)));
                        _logger.AssignmentStarted(_options.ConsumerGroup, topic, assignment.Queue.BrokerName, assignment.Queue.Endpoint.ToString());
                    }
                }

                foreach (var key in _receiveLoops.Keys.Where(k => k.StartsWith(topic + "@", StringComparison.Ordinal) && !latest.ContainsKey(k)).ToList())
                {
                    if (_receiveLoops.TryRemove(key, out var dropped))
                    {
                        await dropped.Stop.CancelAsync().ConfigureAwait(false);
                        await dropped.Loop.ConfigureAwait(false);
                        dropped.Stop.Dispose();
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (RocketMQException ex)
            {
                _logger.AssignmentQueryFailed(topic, ex);
            }
        }
    }

    /// <summary>Asks every broker of the topic's route: a cluster-wide proxy answers for all, a single broker for itself.</summary>
    private async Task<Dictionary<string, Assignment>> QueryAssignmentsAsync(string topic, FilterExpression filter, CancellationToken cancellationToken)
    {
        var route = await _session.GetRouteAsync(topic, cancellationToken).ConfigureAwait(false);
        var assignments = new Dictionary<string, Assignment>(StringComparer.Ordinal);
        var request = new QueryAssignmentRequest
        {
            Topic = _session.Resource(topic),
            Group = _session.Resource(_options.ConsumerGroup),
            Endpoints = EndpointAddress.ToProtocol(_session.AccessPoints),
        };
        foreach (var endpoint in route.Endpoints)
        {
            var operation = $"QueryAssignment of topic '{topic}' for group '{_options.ConsumerGroup}'";
            var response = await _session.CallAsync(endpoint, operation, (client, call) => client.QueryAssignmentAsync(request, call), cancellationToken)
                .ConfigureAwait(false);
            StatusCheck.ThrowIfFailed(response.Status, operation, endpoint);
            foreach (var queue in response.Assignments.Select(a => a.MessageQueue).Where(q => q?.Broker?.Endpoints is not null))
            {
                var assignment = new Assignment(topic,
                    new RouteQueue(queue.Broker.Name, queue.Id, EndpointAddress.FromProtocol(queue.Broker.Endpoints), queue), filter);
                assignments[assignment.Key] = assignment;
            }
        }

        return assignments;
    }

    private async Task ReceiveLoopAsync(Assignment assignment, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var taken = 0;
            try
            {
                await _cacheSlots.WaitAsync(cancellationToken).ConfigureAwait(false);
                taken = 1;
                var batch = Math.Clamp(_session.Server.ReceiveBatchSize, 1, SimpleConsumer.MaxBatchSize);
                while (taken < batch && _cacheSlots.Wait(0))
                {
                    taken++;
                }

                var result = await _calls.ReceiveAsync(assignment.Queue, assignment.Filter, taken, invisibleDuration: null,
                    _session.Server.LongPollingTimeout, cancellationToken).ConfigureAwait(false);
                var received = result.Messages.Count + result.Corrupted.Count;
                if (taken > received)
                {
                    _cacheSlots.Release(taken - received);
                }

                taken = 0;
                foreach (var corrupted in result.Corrupted)
                {
                    var lease = Lease(corrupted);
                    await SettleAsync(lease, ConsumeResult.Failure).ConfigureAwait(false);
                }

                if (_session.Server.Fifo)
                {
                    // The broker holds the queue until this batch is settled, so the next receive waits for it too.
                    await ConsumeInOrderAsync(result).ConfigureAwait(false);
                }
                else
                {
                    foreach (var message in result.Messages)
                    {
                        _dispatch.Writer.TryWrite(new Delivery(Lease(message), result.ReceiveContext));
                    }
                }

                if (result.Messages.Count > 0 && RocketMQDiagnostics.ConsumedMessages.Enabled)
                {
                    RocketMQDiagnostics.ConsumedMessages.Add(result.Messages.Count,
                        new KeyValuePair<string, object?>(RocketMQDiagnostics.System, RocketMQDiagnostics.SystemValue),
                        new KeyValuePair<string, object?>(RocketMQDiagnostics.Destination, assignment.Topic),
                        new KeyValuePair<string, object?>(RocketMQDiagnostics.ClientGroup, _options.ConsumerGroup));
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                ReleaseSlots(taken);
                break;
            }
            catch (Exception ex)
            {
                ReleaseSlots(taken);
                _logger.ReceiveFailed(assignment.Topic, assignment.Queue.Endpoint.ToString(), ex);
                if (ex is RocketMQConnectionException)
                {
                    _session.InvalidateRoute(assignment.Topic);
                }

                try
                {
                    await Task.Delay(RetryDelay, _session.Time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }

    /// <summary>
    /// Runs handlers one after another. The next handler does not wait for the last message's ack (acks travel in
    /// batches, a round trip away); the worker ends only once every message it handled is settled.
    /// </summary>
    private async Task WorkAsync()
    {
        var settling = new List<Task>();
        await foreach (var delivery in _dispatch.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
        {
            var result = await HandleAsync(delivery).ConfigureAwait(false);
            if (delivery.Handled is { } handled)
            {
                handled.TrySetResult(result);
                continue;
            }

            // A faulted settlement stays in the list, so the worker still ends with its exception.
            settling.RemoveAll(static settlement => settlement.IsCompletedSuccessfully);
            settling.Add(SettleAsync(delivery.Lease, result));
        }

        await Task.WhenAll(settling).ConfigureAwait(false);
    }

    /// <summary>
    /// Hands a batch of an orderly group to the handlers: message groups side by side, each group's messages one after
    /// another (a message without a group promises no order and runs on its own).
    /// </summary>
    private Task ConsumeInOrderAsync(ReceiveResult result)
    {
        var leases = result.Messages.Select(Lease).ToList();
        var groups = leases.GroupBy(lease => lease.Message.MessageGroup ?? lease.Message.MessageId, StringComparer.Ordinal);
        return Task.WhenAll(groups.Select(group => ConsumeGroupInOrderAsync([.. group], result.ReceiveContext)));
    }

    /// <summary>
    /// Handles one message group's messages in order. A failure is handled again in place after the server's backoff,
    /// with the next delivery attempt, as the official clients do; the last allowed attempt's failure moves it to the DLQ.
    /// Stopping leaves the rest unhandled: they come back from the broker, still in order, after their invisible time.
    /// </summary>
    private async Task ConsumeGroupInOrderAsync(IReadOnlyList<MessageLease> leases, ActivityContext receiveContext)
    {
        for (var i = 0; i < leases.Count; i++)
        {
            var lease = leases[i];
            var message = lease.Message;
            while (true)
            {
                if (_receiving.IsCancellationRequested)
                {
                    Abandon(leases.Skip(i));
                    return;
                }

                var handled = new TaskCompletionSource<ConsumeResult>(TaskCreationOptions.RunContinuationsAsynchronously);
                _dispatch.Writer.TryWrite(new Delivery(lease, receiveContext, handled));
                var result = await handled.Task.ConfigureAwait(false);
                var policy = _session.Server.Backoff;
                if (result == ConsumeResult.Success || message.DeliveryAttempt >= policy.MaxAttempts)
                {
                    await SettleAsync(lease, result).ConfigureAwait(false);
                    break;
                }

                var delay = policy.NextDelay(message.DeliveryAttempt);
                _logger.HandlerFailed(message.MessageId, message.Topic, message.DeliveryAttempt, delay);
                try
                {
                    await Task.Delay(delay, _session.Time, _receiving.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    Abandon(leases.Skip(i));
                    return;
                }

                message.DeliveryAttempt++;
            }
        }
    }

    /// <summary>Stops renewing messages that will not be handled here; the broker hands them out again once they are visible.</summary>
    private void Abandon(IEnumerable<MessageLease> leases)
    {
        foreach (var lease in leases)
        {
            lease.Settled = true;
            _leases.TryRemove(lease, out _);
            _cacheSlots.Release();
        }
    }

    private async Task<ConsumeResult> HandleAsync(Delivery delivery)
    {
        var message = delivery.Lease.Message;
        var (parent, producer) = TraceContext.Continuation(message);
        ActivityLink[] links = [.. new[] { delivery.ReceiveContext, producer }.Where(context => context != default).Select(context => new ActivityLink(context))];
        using var activity = RocketMQDiagnostics.Source.StartActivity(
            $"{message.Topic} process", ActivityKind.Consumer, parent == default ? delivery.ReceiveContext : parent, links: links);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(RocketMQDiagnostics.System, RocketMQDiagnostics.SystemValue);
            activity.SetTag(RocketMQDiagnostics.OperationType, "process");
            activity.SetTag(RocketMQDiagnostics.OperationName, "process");
            activity.SetTag(RocketMQDiagnostics.Destination, message.Topic);
            activity.SetTag(RocketMQDiagnostics.MessageId, message.MessageId);
            activity.SetTag(RocketMQDiagnostics.ClientGroup, _options.ConsumerGroup);
            activity.SetTag(RocketMQDiagnostics.DeliveryAttempt, message.DeliveryAttempt);
            activity.SetTag(RocketMQDiagnostics.BodySize, message.Body.Length);
            activity.SetTag(RocketMQDiagnostics.ServerAddress, message.Endpoint.Host);
            activity.SetTag(RocketMQDiagnostics.ServerPort, message.Endpoint.Port);
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
        ConsumeResult result;
        try
        {
            result = await _handler.HandleAsync(message, _handlers.Token).ConfigureAwait(false);
            if (result != ConsumeResult.Success)
            {
                activity?.SetStatus(ActivityStatusCode.Error, "the handler returned Failure");
                activity?.SetTag(RocketMQDiagnostics.ErrorType, "failure");
            }
        }
        catch (Exception ex)
        {
            _logger.HandlerThrew(message.MessageId, message.Topic, message.DeliveryAttempt, ex);
            RocketMQDiagnostics.SetError(activity, ex);
            result = ConsumeResult.Failure;
        }

        if (RocketMQDiagnostics.ProcessDuration.Enabled)
        {
            RocketMQDiagnostics.ProcessDuration.Record(_session.Time.GetElapsedTime(started).TotalSeconds,
                new KeyValuePair<string, object?>(RocketMQDiagnostics.System, RocketMQDiagnostics.SystemValue),
                new KeyValuePair<string, object?>(RocketMQDiagnostics.Destination, message.Topic),
                new KeyValuePair<string, object?>(RocketMQDiagnostics.ClientGroup, _options.ConsumerGroup),
                new KeyValuePair<string, object?>(RocketMQDiagnostics.ErrorType, result == ConsumeResult.Success ? null : "failure"));
        }

        return result;
    }

    /// <summary>Acks on success; on failure hands the message back with the server's backoff, or moves it to the DLQ after the last attempt.</summary>
    private async Task SettleAsync(MessageLease lease, ConsumeResult result)
    {
        var message = lease.Message;
        await lease.Gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            lease.Settled = true;
            var policy = _session.Server.Backoff;
            for (var attempt = 1; attempt <= SettleAttempts; attempt++)
            {
                try
                {
                    if (result == ConsumeResult.Success)
                    {
                        await _acks.AckAsync(message).ConfigureAwait(false);
                    }
                    else if (message.DeliveryAttempt >= policy.MaxAttempts)
                    {
                        await _calls.ForwardToDeadLetterQueueAsync(message, policy.MaxAttempts, CancellationToken.None).ConfigureAwait(false);
                        _logger.ForwardedToDeadLetterQueue(message.MessageId, message.Topic, message.DeliveryAttempt, policy.MaxAttempts, _options.ConsumerGroup);
                    }
                    else
                    {
                        var delay = policy.NextDelay(message.DeliveryAttempt);
                        _logger.HandlerFailed(message.MessageId, message.Topic, message.DeliveryAttempt, delay);
                        await _calls.ChangeInvisibleDurationAsync(message, delay, CancellationToken.None).ConfigureAwait(false);
                    }

                    break;
                }
                catch (RocketMQException ex) when (ex.IsRetryable && attempt < SettleAttempts)
                {
                    await Task.Delay(RetryDelay, _session.Time, CancellationToken.None).ConfigureAwait(false);
                }
                catch (RocketMQException ex)
                {
                    _logger.SettleFailed(result == ConsumeResult.Success ? "AckMessage" : "Nack", message.MessageId, message.Endpoint.ToString(), ex);
                    break;
                }
            }
        }
        finally
        {
            lease.Gate.Release();
            _leases.TryRemove(lease, out _);
            _cacheSlots.Release();
        }
    }

    private MessageLease Lease(MessageView message)
    {
        var invisible = message.InvisibleDuration > TimeSpan.Zero ? message.InvisibleDuration : _options.InvisibleDuration;
        var lease = new MessageLease(message, _session.Time.GetUtcNow() + invisible);
        _leases[lease] = 0;
        return lease;
    }

    /// <summary>Keeps waiting and running messages invisible: renews each shortly before the broker would hand it out again.</summary>
    private async Task RenewAsync()
    {
        var margin = TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(10).Ticks, _options.InvisibleDuration.Ticks / 3));
        using var timer = new PeriodicTimer(RenewalCheckPeriod, _session.Time);
        try
        {
            while (await timer.WaitForNextTickAsync(_renewing.Token).ConfigureAwait(false))
            {
                var now = _session.Time.GetUtcNow();
                foreach (var lease in _leases.Keys.Where(l => !l.Settled && l.VisibleAt - now <= margin))
                {
                    if (!await lease.Gate.WaitAsync(0, CancellationToken.None).ConfigureAwait(false))
                    {
                        continue;
                    }

                    try
                    {
                        if (!lease.Settled)
                        {
                            await _calls.ChangeInvisibleDurationAsync(lease.Message, _options.InvisibleDuration, _renewing.Token).ConfigureAwait(false);
                            lease.VisibleAt = _session.Time.GetUtcNow() + _options.InvisibleDuration;
                        }
                    }
                    catch (RocketMQException ex)
                    {
                        _logger.SettleFailed("Renewal (ChangeInvisibleDuration)", lease.Message.MessageId, lease.Message.Endpoint.ToString(), ex);
                    }
                    finally
                    {
                        lease.Gate.Release();
                    }
                }
            }
        }
        catch (OperationCanceledException) when (_renewing.IsCancellationRequested)
        {
            // Stopping: every message is settled by now.
        }
    }

    private void ReleaseSlots(int count)
    {
        if (count > 0)
        {
            _cacheSlots.Release(count);
        }
    }

    private Settings CompleteSettings(Settings settings)
    {
        settings.Subscription = SubscriptionSettings.Create(_session, _options.ConsumerGroup, _options.Subscriptions);
        return settings;
    }
}
