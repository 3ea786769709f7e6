using System.Text;
using Grpc.Core;

namespace RocketTax.RocketMQ.Broker.Grpc.Transport;

/// <summary>One RPC of a bound service: its path, and how a call of it runs on a <see cref="NativeServerCallContext"/>.</summary>
internal abstract class NativeMethod(IMethod method)
{
    /// <summary><c>:path</c> as the client sends it, e.g. <c>/apache.rocketmq.v2.MessagingService/SendMessage</c>.</summary>
    public byte[] Path { get; } = Encoding.ASCII.GetBytes(method.FullName);

    public string FullName { get; } = method.FullName;

    /// <summary>True when the client sends exactly one message: the call starts once the request is complete.</summary>
    public bool HasSingleRequest { get; } = method.Type is MethodType.Unary or MethodType.ServerStreaming;

    /// <summary>Runs the handler; the caller turns an exception into the call's status.</summary>
    public abstract Task RunAsync(NativeServerCallContext call);
}

internal sealed class NativeUnaryMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse> handler)
    : NativeMethod(method)
    where TRequest : class
    where TResponse : class
{
    public override async Task RunAsync(NativeServerCallContext call)
    {
        var response = await handler(call.ReadSingleRequest(method.RequestMarshaller), call).ConfigureAwait(false);
        await call.WriteMessageAsync(response, method.ResponseMarshaller).ConfigureAwait(false);
    }
}

internal sealed class NativeServerStreamingMethod<TRequest, TResponse>(
    Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse> handler) : NativeMethod(method)
    where TRequest : class
    where TResponse : class
{
    public override Task RunAsync(NativeServerCallContext call) =>
        handler(call.ReadSingleRequest(method.RequestMarshaller), new NativeResponseStream<TResponse>(call, method.ResponseMarshaller), call);
}

internal sealed class NativeDuplexStreamingMethod<TRequest, TResponse>(
    Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse> handler) : NativeMethod(method)
    where TRequest : class
    where TResponse : class
{
    public override Task RunAsync(NativeServerCallContext call) => handler(
        new NativeRequestStream<TRequest>(call, method.RequestMarshaller), new NativeResponseStream<TResponse>(call, method.ResponseMarshaller), call);
}

internal sealed class NativeClientStreamingMethod<TRequest, TResponse>(
    Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse> handler) : NativeMethod(method)
    where TRequest : class
    where TResponse : class
{
    public override async Task RunAsync(NativeServerCallContext call)
    {
        var response = await handler(new NativeRequestStream<TRequest>(call, method.RequestMarshaller), call).ConfigureAwait(false);
        await call.WriteMessageAsync(response, method.ResponseMarshaller).ConfigureAwait(false);
    }
}
