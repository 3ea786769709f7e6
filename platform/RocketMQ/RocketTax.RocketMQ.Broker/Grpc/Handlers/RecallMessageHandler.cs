using Apache.Rocketmq.V2;
using Grpc.Core;
using RocketTax.RocketMQ.Broker.Cluster;
using RocketTax.RocketMQ.Broker.Hosting;
using RocketTax.RocketMQ.Broker.Managers.Timer;

namespace RocketTax.RocketMQ.Broker.Grpc.Handlers;

/// <summary>
/// RecallMessage (RocketMQ 5.3): cancels a delayed message that has not been delivered yet. Clients send it to
/// their access point, not to the master holding the message: a handle naming another master of the topic's
/// route is passed on to that master, as a RocketMQ proxy routes a recall by the broker name in its handle.
/// </summary>
public sealed partial class RecallMessageHandler(TimerMessageService timer, BrokerIdentity identity, PeerBrokers peers, ILogger<RecallMessageHandler> logger)
{
    private static readonly TimeSpan ForwardTimeout = TimeSpan.FromSeconds(5);

    public async Task<RecallMessageResponse> HandleAsync(RecallMessageRequest request, ClientMetadata metadata, CallHeaders headers, CancellationToken cancellationToken)
    {
        if ((RequestGuard.ClientId(metadata) ?? RequestGuard.Topic(request.Topic)) is { } invalid)
        {
            return new RecallMessageResponse { Status = invalid };
        }

        if (!RecallHandle.TryDecode(request.RecallHandle, out var handle))
        {
            return new RecallMessageResponse { Status = Statuses.Of(Code.BadRequest, "the recall handle is malformed: pass the recall_handle of the send's result unchanged") };
        }

        if (handle.BrokerName != identity.BrokerName && PeerBrokers.MayForward(headers))
        {
            return await ForwardAsync(request, handle.BrokerName, headers, cancellationToken).ConfigureAwait(false);
        }

        return timer.Recall(handle) switch
        {
            RecallOutcome.Recalled => new RecallMessageResponse { Status = Statuses.Ok(), MessageId = handle.MessageId },
            RecallOutcome.AlreadyDone => new RecallMessageResponse
            {
                Status = Statuses.Of(Code.MessageNotFound, $"delayed message {handle.MessageId} was delivered or recalled already"),
                MessageId = handle.MessageId,
            },
            _ => new RecallMessageResponse
            {
                Status = Statuses.Of(Code.BadRequest, $"the recall handle names no delayed message of this broker (it was issued by broker '{handle.BrokerName}')"),
            },
        };
    }

    private async Task<RecallMessageResponse> ForwardAsync(RecallMessageRequest request, string holder, CallHeaders headers, CancellationToken cancellationToken)
    {
        var topic = request.Topic.Name;
        if (await peers.FindAsync(topic, holder, cancellationToken).ConfigureAwait(false) is not { } peer)
        {
            return new RecallMessageResponse
            {
                Status = Statuses.Of(Code.BadRequest, $"the recall handle was issued by broker '{holder}', which holds no queue of topic '{topic}' in this cluster"),
            };
        }

        try
        {
            return await peer.RecallMessageAsync(
                request, PeerBrokers.ForwardedHeaders(headers, identity.BrokerName), DateTime.UtcNow + ForwardTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogForwardFailed(ex, holder, topic);
            var code = ex.StatusCode == StatusCode.DeadlineExceeded ? Code.ProxyTimeout : Code.InternalServerError;
            return new RecallMessageResponse { Status = Statuses.Of(code, $"broker '{holder}', which holds the message, did not answer the recall: {ex.Status.Detail}") };
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Passing a recall of topic {Topic} on to broker {Broker} failed")]
    private partial void LogForwardFailed(Exception ex, string broker, string topic);
}
