using Apache.Rocketmq.V2;
using RocketTax.RocketMQ.Broker.Managers.Transactions;

namespace RocketTax.RocketMQ.Broker.Grpc.Handlers;

/// <summary>EndTransaction: COMMIT makes a half message visible in its topic, ROLLBACK drops it.</summary>
public sealed class EndTransactionHandler(TransactionalMessageService transactions, ILogger<EndTransactionHandler> logger)
{
    public async Task<EndTransactionResponse> HandleAsync(EndTransactionRequest request, ClientMetadata metadata, CancellationToken cancellationToken)
    {
        if ((RequestGuard.ClientId(metadata) ?? RequestGuard.Topic(request.Topic)) is { } invalid)
        {
            return new EndTransactionResponse { Status = invalid };
        }

        if (request.Resolution is not (TransactionResolution.Commit or TransactionResolution.Rollback))
        {
            return new EndTransactionResponse { Status = Statuses.Of(Code.BadRequest, "the resolution must be COMMIT or ROLLBACK") };
        }

        var commit = request.Resolution == TransactionResolution.Commit;
        var source = request.Source == TransactionSource.SourceServerCheck ? "producer answering a check" : "producer";
        TransactionOutcome outcome;
        try
        {
            outcome = await transactions.EndAsync(request.TransactionId, request.MessageId, commit, source, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            logger.LogError(ex, "Committing transactional message {MessageId} failed", request.MessageId);
            return new EndTransactionResponse { Status = Statuses.Of(Code.InternalServerError, $"the broker could not store the committed message: {ex.Message}") };
        }

        return new EndTransactionResponse
        {
            Status = outcome == TransactionOutcome.Unknown
                ? Statuses.Of(Code.InvalidTransactionId,
                    $"transaction '{request.TransactionId}' of message {request.MessageId} is not open on this broker: it was never prepared here, or was committed or rolled back already")
                : Statuses.Ok(),
        };
    }
}
