using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace RocketTax.RocketMQ.Broker.Security;

/// <summary>
/// Puts <see cref="AccessValidator"/> in front of every RPC when <c>aclEnable=true</c>. A refused request never
/// reaches its handler; it is answered, as the RocketMQ proxy does, with a gRPC OK whose response status says
/// UNAUTHORIZED or FORBIDDEN (the Telemetry stream gets one command carrying that status, then ends).
/// </summary>
public sealed partial class AccessControlInterceptor(AccessValidator validator, ILogger<AccessControlInterceptor> logger) : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation) =>
        Check(context, request as IMessage) is { } denied
            ? Task.FromResult(StatusResponses.Create<TResponse>(denied))
            : continuation(request, context);

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        if (Check(context, request as IMessage) is { } denied)
        {
            await responseStream.WriteAsync(StatusResponses.Create<TResponse>(denied), context.CancellationToken).ConfigureAwait(false);
            return;
        }

        await continuation(request, responseStream, context).ConfigureAwait(false);
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        // Telemetry: the signature is checked when the stream opens; what a client may do is checked per RPC.
        if (Check(context, request: null) is { } denied)
        {
            await responseStream.WriteAsync(StatusResponses.Create<TResponse>(denied), context.CancellationToken).ConfigureAwait(false);
            return;
        }

        await continuation(requestStream, responseStream, context).ConfigureAwait(false);
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation) =>
        Check(context, request: null) is { } denied
            ? Task.FromResult(StatusResponses.Create<TResponse>(denied))
            : continuation(requestStream, context);

    private Apache.Rocketmq.V2.Status? Check(ServerCallContext context, IMessage? request)
    {
        var decision = validator.Check(context.RequestHeaders, request);
        if (decision.Denied is { } denied)
        {
            LogDenied(context.Method, context.Peer, decision.AccessKey ?? "(none)", (int)denied.Code, denied.Message);
        }

        return decision.Denied;
    }

    [LoggerMessage(1, LogLevel.Warning, "Refused {Method} from {Peer} (access key {AccessKey}): {Code} {Reason}")]
    private partial void LogDenied(string method, string peer, string accessKey, int code, string reason);
}
