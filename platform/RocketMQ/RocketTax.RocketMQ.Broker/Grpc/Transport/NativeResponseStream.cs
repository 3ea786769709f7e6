using Grpc.Core;

namespace RocketTax.RocketMQ.Broker.Grpc.Transport;

/// <summary>The responses of a streaming call: each write waits for the client's flow-control windows, not for the socket.</summary>
internal sealed class NativeResponseStream<T>(NativeServerCallContext call, Marshaller<T> marshaller) : IServerStreamWriter<T>
{
    public WriteOptions? WriteOptions { get; set; }

    public Task WriteAsync(T message) => call.WriteMessageAsync(message, marshaller).AsTask();

    public Task WriteAsync(T message, CancellationToken cancellationToken) => call.WriteMessageAsync(message, marshaller, cancellationToken).AsTask();
}
