using Apache.Rocketmq.V2;
using Grpc.Core;
using Status = Apache.Rocketmq.V2.Status;
using RocketTax.RocketMQ.Broker.Grpc.Handlers;

namespace RocketTax.RocketMQ.Broker.Grpc;

/// <summary>
/// The transport of <c>apache.rocketmq.v2.MessagingService</c>: reads the client's headers and hands each
/// RPC to its handler. RPCs this broker does not serve yet answer NOT_IMPLEMENTED in their status.
/// </summary>
public sealed class MessagingServiceEndpoint(
    QueryRouteHandler queryRoute,
    HeartbeatHandler heartbeat,
    SendMessageHandler sendMessage,
    QueryAssignmentHandler queryAssignment,
    ReceiveMessageHandler receiveMessage,
    AckMessageHandler ackMessage,
    ChangeInvisibleDurationHandler changeInvisibleDuration,
    ForwardToDeadLetterQueueHandler forwardToDeadLetterQueue,
    TelemetryHandler telemetry,
    NotifyClientTerminationHandler notifyClientTermination,
    EndTransactionHandler endTransaction,
    RecallMessageHandler recallMessage,
    PullMessageHandler pullMessage,
    UpdateOffsetHandler updateOffset,
    GetOffsetHandler getOffset,
    QueryOffsetHandler queryOffset,
    IHostApplicationLifetime lifetime) : MessagingService.MessagingServiceBase
{
    public override Task<QueryRouteResponse> QueryRoute(QueryRouteRequest request, ServerCallContext context) =>
        queryRoute.HandleAsync(request, ClientMetadata.From(context), context.CancellationToken);

    public override Task<HeartbeatResponse> Heartbeat(HeartbeatRequest request, ServerCallContext context) =>
        Task.FromResult(heartbeat.Handle(request, ClientMetadata.From(context)));

    public override Task<SendMessageResponse> SendMessage(SendMessageRequest request, ServerCallContext context) =>
        sendMessage.HandleAsync(request, ClientMetadata.From(context), context.CancellationToken);

    public override Task<QueryAssignmentResponse> QueryAssignment(QueryAssignmentRequest request, ServerCallContext context) =>
        queryAssignment.HandleAsync(request, ClientMetadata.From(context), context.CancellationToken);

    public override async Task ReceiveMessage(ReceiveMessageRequest request, IServerStreamWriter<ReceiveMessageResponse> responseStream, ServerCallContext context)
    {
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping);
        try
        {
            await receiveMessage.HandleAsync(request, responseStream, ClientMetadata.From(context), context.Deadline, stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The client hung up or the broker is shutting down; the handler made what it could not write visible again.
        }
    }

    public override Task<AckMessageResponse> AckMessage(AckMessageRequest request, ServerCallContext context) =>
        Task.FromResult(ackMessage.Handle(request, ClientMetadata.From(context)));

    public override Task<ChangeInvisibleDurationResponse> ChangeInvisibleDuration(ChangeInvisibleDurationRequest request, ServerCallContext context) =>
        Task.FromResult(changeInvisibleDuration.Handle(request, ClientMetadata.From(context)));

    public override Task<ForwardMessageToDeadLetterQueueResponse> ForwardMessageToDeadLetterQueue(
        ForwardMessageToDeadLetterQueueRequest request, ServerCallContext context) =>
        forwardToDeadLetterQueue.HandleAsync(request, ClientMetadata.From(context), context.CancellationToken);

    public override async Task Telemetry(IAsyncStreamReader<TelemetryCommand> requestStream, IServerStreamWriter<TelemetryCommand> responseStream, ServerCallContext context)
    {
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping);
        await telemetry.HandleAsync(requestStream, responseStream, ClientMetadata.From(context), stopping.Token).ConfigureAwait(false);
    }

    public override Task<NotifyClientTerminationResponse> NotifyClientTermination(NotifyClientTerminationRequest request, ServerCallContext context) =>
        Task.FromResult(notifyClientTermination.Handle(request, ClientMetadata.From(context)));

    public override Task<EndTransactionResponse> EndTransaction(EndTransactionRequest request, ServerCallContext context) =>
        endTransaction.HandleAsync(request, ClientMetadata.From(context), context.CancellationToken);

    public override async Task PullMessage(PullMessageRequest request, IServerStreamWriter<PullMessageResponse> responseStream, ServerCallContext context)
    {
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping);
        try
        {
            await pullMessage.HandleAsync(request, responseStream, ClientMetadata.From(context), context.Deadline, stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The client hung up or the broker is shutting down; a pull changes nothing on the broker, so nothing is undone.
        }
    }

    public override Task<UpdateOffsetResponse> UpdateOffset(UpdateOffsetRequest request, ServerCallContext context) =>
        Task.FromResult(updateOffset.Handle(request, ClientMetadata.From(context)));

    public override Task<GetOffsetResponse> GetOffset(GetOffsetRequest request, ServerCallContext context) =>
        Task.FromResult(getOffset.Handle(request, ClientMetadata.From(context)));

    public override Task<QueryOffsetResponse> QueryOffset(QueryOffsetRequest request, ServerCallContext context) =>
        Task.FromResult(queryOffset.Handle(request, ClientMetadata.From(context)));

    public override Task<RecallMessageResponse> RecallMessage(RecallMessageRequest request, ServerCallContext context) =>
        recallMessage.HandleAsync(request, ClientMetadata.From(context), CallHeaders.Of(context), context.CancellationToken);

    public override Task<SyncLiteSubscriptionResponse> SyncLiteSubscription(SyncLiteSubscriptionRequest request, ServerCallContext context) =>
        Task.FromResult(new SyncLiteSubscriptionResponse { Status = NotImplemented("SyncLiteSubscription") });

    private static Status NotImplemented(string rpc) => Statuses.Of(Code.NotImplemented, $"{rpc} is not implemented by this broker yet");
}
