using Grpc.Core;
using Grpc.Core.Interceptors;

namespace RocketTax.RocketMQ.Broker.Grpc.Transport;

/// <summary>
/// Collects what a generated <c>BindService(ServiceBinderBase, impl)</c> hands over, each method's marshallers and
/// handler, wrapped in <paramref name="interceptor"/> when there is one: the dispatch table comes from the .proto.
/// </summary>
internal sealed class NativeServiceBinder(Interceptor? interceptor) : ServiceBinderBase
{
    private readonly List<NativeMethod> _methods = [];

    public IReadOnlyList<NativeMethod> Methods => _methods;

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _methods.Add(new NativeUnaryMethod<TRequest, TResponse>(
            method, interceptor is null ? handler : (request, context) => interceptor.UnaryServerHandler(request, context, handler)));
    }

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _methods.Add(new NativeServerStreamingMethod<TRequest, TResponse>(
            method, interceptor is null ? handler : (request, responses, context) => interceptor.ServerStreamingServerHandler(request, responses, context, handler)));
    }

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _methods.Add(new NativeDuplexStreamingMethod<TRequest, TResponse>(
            method, interceptor is null ? handler : (requests, responses, context) => interceptor.DuplexStreamingServerHandler(requests, responses, context, handler)));
    }

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _methods.Add(new NativeClientStreamingMethod<TRequest, TResponse>(
            method, interceptor is null ? handler : (requests, context) => interceptor.ClientStreamingServerHandler(requests, context, handler)));
    }
}
