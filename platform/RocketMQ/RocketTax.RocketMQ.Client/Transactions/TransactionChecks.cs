using System.Threading.Channels;
using Apache.Rocketmq.V2;
using Microsoft.Extensions.Logging;
using RocketTax.RocketMQ.Client.Consumer;
using RocketTax.RocketMQ.Client.Diagnostics;
using RocketTax.RocketMQ.Client.Session;

namespace RocketTax.RocketMQ.Client.Transactions;

/// <summary>
/// Answers the brokers' RecoverOrphanedTransactionCommands, which arrive on the Telemetry streams: asks the
/// application's <see cref="ITransactionChecker"/> and sends its Commit or Rollback as EndTransaction with source
/// SERVER_CHECK to the broker that asked. Checks run one at a time off the Telemetry read loop, so a slow checker
/// never holds up the server's other commands.
/// </summary>
internal sealed class TransactionChecks
{
    private readonly Channel<(RecoverOrphanedTransactionCommand Command, EndpointAddress Endpoint)> _pending =
        Channel.CreateUnbounded<(RecoverOrphanedTransactionCommand, EndpointAddress)>(new UnboundedChannelOptions { SingleReader = true });

    private readonly ITransactionChecker? _checker;
    private readonly Func<HalfMessage, bool, TransactionSource, CancellationToken, Task> _end;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _run;

    public TransactionChecks(ITransactionChecker? checker, Func<HalfMessage, bool, TransactionSource, CancellationToken, Task> end, ILogger logger)
    {
        _checker = checker;
        _end = end;
        _logger = logger;
        _run = Task.Run(RunAsync);
    }

    /// <summary>Queues a check from <paramref name="endpoint"/>; called by the Telemetry read loop, never blocks.</summary>
    public void Enqueue(RecoverOrphanedTransactionCommand command, EndpointAddress endpoint)
    {
        if (!_pending.Writer.TryWrite((command, endpoint)))
        {
            // Stopping: the broker asks again later, another producer of the topic may answer.
            _logger.TransactionCheckDropped(command.TransactionId, endpoint.ToString());
        }
    }

    /// <summary>Takes no more checks, cancels the running one and waits for the loop to end.</summary>
    public async Task StopAsync()
    {
        _pending.Writer.TryComplete();
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _run.ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task RunAsync()
    {
        try
        {
            await foreach (var (command, endpoint) in _pending.Reader.ReadAllAsync(_stopping.Token).ConfigureAwait(false))
            {
                await CheckAsync(command, endpoint, _stopping.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Stopping: open checks are asked again by the broker.
        }
    }

    private async Task CheckAsync(RecoverOrphanedTransactionCommand command, EndpointAddress endpoint, CancellationToken cancellationToken)
    {
        var (message, _) = MessageDecoder.Decode(command.Message ?? new Apache.Rocketmq.V2.Message(), endpoint);
        if (_checker is null)
        {
            _logger.TransactionCheckWithoutChecker(message.MessageId, command.TransactionId, endpoint.ToString());
            return;
        }

        try
        {
            var resolution = await _checker.CheckAsync(message, cancellationToken).ConfigureAwait(false);
            _logger.TransactionChecked(message.MessageId, command.TransactionId, resolution.ToString());
            if (resolution is TransactionResolution.Commit or TransactionResolution.Rollback)
            {
                var half = new HalfMessage(message.Topic, message.MessageId, command.TransactionId, endpoint);
                await _end(half, resolution == TransactionResolution.Commit, TransactionSource.SourceServerCheck, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A checker that throws or an EndTransaction that fails leaves the transaction open: the broker asks again.
            _logger.TransactionCheckFailed(message.MessageId, command.TransactionId, endpoint.ToString(), ex);
        }
    }
}
