using System.Globalization;
using System.Text;
using RocketTax.RocketMQ.Client;

namespace RocketTax.Chaos.Harness;

/// <summary>
/// Continuous traffic through our client while faults are injected: per stream one producer sending keyed
/// messages one after another and one consumer receiving and acking them, each recording into a
/// <see cref="DeliveryChecker"/>. Failures are counted and retried, never fatal: the faults cause them.
/// </summary>
public sealed class TrafficDriver : IAsyncDisposable
{
    private const string SequenceProperty = "chaos-seq";
    private static readonly TimeSpan FailureBackoff = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan InvisibleDuration = TimeSpan.FromSeconds(10);

    private readonly string _endpoints;
    private readonly IReadOnlyList<TrafficStream> _streams;
    private readonly string _runId = Guid.NewGuid().ToString("N")[..8];
    private readonly CancellationTokenSource _stopProducing = new();
    private readonly CancellationTokenSource _stopConsuming = new();
    private readonly List<Task> _producers = [];
    private readonly List<Task> _consumers = [];
    private long _sendFailures;
    private long _receiveFailures;

    public TrafficDriver(string endpoints, IReadOnlyList<TrafficStream> streams, DeliveryChecker checker)
    {
        _endpoints = endpoints;
        _streams = streams;
        Checker = checker;
    }

    public DeliveryChecker Checker { get; }

    /// <summary>Sends the broker refused or that failed in transport.</summary>
    public long SendFailures => Interlocked.Read(ref _sendFailures);

    /// <summary>Receives and acks that failed.</summary>
    public long ReceiveFailures => Interlocked.Read(ref _receiveFailures);

    /// <summary>The last send or receive failure, for failure messages.</summary>
    public string? LastFailure { get; private set; }

    /// <summary>Starts every producer and consumer loop.</summary>
    public void Start()
    {
        foreach (var stream in _streams)
        {
            _producers.Add(Task.Run(() => ProduceAsync(stream, _stopProducing.Token)));
            _consumers.Add(Task.Run(() => ConsumeAsync(stream, _stopConsuming.Token)));
        }
    }

    /// <summary>Waits until <paramref name="count"/> more sends were acknowledged, or fails after <paramref name="within"/>.</summary>
    public async Task WaitForAcknowledgedAsync(int count, TimeSpan within, CancellationToken cancellationToken)
    {
        var target = Checker.AcknowledgedCount + count;
        await Poll.UntilAsync(() => Checker.AcknowledgedCount >= target, within,
            () => $"only {Checker.AcknowledgedCount} of {target} sends were acknowledged ({SendFailures} failed)", cancellationToken);
    }

    /// <summary>Waits until <paramref name="count"/> more messages were delivered, or fails after <paramref name="within"/>.</summary>
    public async Task WaitForDeliveredAsync(int count, TimeSpan within, CancellationToken cancellationToken)
    {
        var target = Checker.Report().Consumed + count;
        await Poll.UntilAsync(() => Checker.Report().Consumed >= target, within,
            () => $"only {Checker.Report().Consumed} of {target} deliveries arrived ({ReceiveFailures} receives failed)", cancellationToken);
    }

    /// <summary>Stops sending, waits until every acknowledged message was delivered (or <paramref name="within"/> ran out), then stops consuming.</summary>
    public async Task<DeliveryReport> DrainAsync(TimeSpan within, CancellationToken cancellationToken)
    {
        await _stopProducing.CancelAsync();
        await Task.WhenAll(_producers);
        var deadline = DateTime.UtcNow + within;
        while (Checker.Missing > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }

        await _stopConsuming.CancelAsync();
        await Task.WhenAll(_consumers);
        return Checker.Report();
    }

    public async ValueTask DisposeAsync()
    {
        await _stopProducing.CancelAsync();
        await _stopConsuming.CancelAsync();
        await Task.WhenAll(_producers.Concat(_consumers));
        _stopProducing.Dispose();
        _stopConsuming.Dispose();
    }

    private async Task ProduceAsync(TrafficStream stream, CancellationToken stop)
    {
        await using var producer = new Producer(new ProducerOptions { Endpoints = _endpoints, Topics = [stream.Topic] });
        for (long sequence = 0; !stop.IsCancellationRequested; sequence++)
        {
            var key = $"{_runId}-{stream.Topic}-{sequence.ToString(CultureInfo.InvariantCulture)}";
            var message = new Message(stream.Topic, Encoding.UTF8.GetBytes(key))
            {
                Keys = [key],
                MessageGroup = stream.Fifo ? GroupOf(sequence) : null,
                Properties = new Dictionary<string, string> { [SequenceProperty] = sequence.ToString(CultureInfo.InvariantCulture) },
            };
            try
            {
                var receipt = await producer.SendAsync(message, stop);
                Checker.Acknowledged(key, receipt);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                Checker.GaveUp(key);
                return;
            }
            catch (Exception ex) when (ex is RocketMQException or OperationCanceledException or TimeoutException)
            {
                Checker.GaveUp(key);
                Interlocked.Increment(ref _sendFailures);
                LastFailure = $"send: {ex.Message}";
                await Backoff(stop);
            }
        }
    }

    private async Task ConsumeAsync(TrafficStream stream, CancellationToken stop)
    {
        await using var consumer = new SimpleConsumer(new SimpleConsumerOptions
        {
            Endpoints = _endpoints,
            ConsumerGroup = stream.ConsumerGroup,
            Subscriptions = new Dictionary<string, FilterExpression> { [stream.Topic] = FilterExpression.SubAll },
            AwaitDuration = TimeSpan.FromSeconds(1),
        });
        while (!stop.IsCancellationRequested)
        {
            try
            {
                foreach (var message in await consumer.ReceiveAsync(SimpleConsumer.MaxBatchSize, InvisibleDuration, stop))
                {
                    var key = message.Keys.Count > 0 ? message.Keys[0] : message.MessageId;
                    var sequence = long.Parse(message.Properties.GetValueOrDefault(SequenceProperty, "0"), CultureInfo.InvariantCulture);
                    Checker.Delivered(key, message.MessageGroup is { } group ? $"{stream.Topic}/{group}" : null, sequence,
                        $"live consumer, {message.BrokerName} queue {message.QueueId}@{message.QueueOffset} attempt {message.DeliveryAttempt}",
                        position: (message.Topic, message.BrokerName, message.QueueId, message.QueueOffset));
                    await consumer.AckAsync(message, stop);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is RocketMQException or OperationCanceledException or TimeoutException)
            {
                Interlocked.Increment(ref _receiveFailures);
                LastFailure = $"receive: {ex.Message}";
                await Backoff(stop);
            }
        }
    }

    private static string GroupOf(long sequence) => "g" + (sequence % TrafficStream.MessageGroups).ToString(CultureInfo.InvariantCulture);

    private static async Task Backoff(CancellationToken stop)
    {
        try
        {
            // Not synchronisation: a failing broker is not hammered while it restarts.
            await Task.Delay(FailureBackoff, stop);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }
}
