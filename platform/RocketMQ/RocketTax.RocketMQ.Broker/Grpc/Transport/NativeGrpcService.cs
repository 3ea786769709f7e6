using Grpc.Core;
using Grpc.Core.Interceptors;

namespace RocketTax.RocketMQ.Broker.Grpc.Transport;

/// <summary>What every connection of the native transport shares: the bound methods, the limits, the logger.</summary>
public sealed class NativeGrpcService
{
    private readonly NativeMethod[] _methods;

    /// <summary>Binds a service through its generated <c>BindService(ServiceBinderBase, impl)</c>, e.g. <c>binder => MessagingService.BindService(binder, endpoint)</c>.</summary>
    public NativeGrpcService(Action<ServiceBinderBase> bind, Interceptor? interceptor, NativeGrpcOptions options, ILogger<NativeGrpcService> logger)
    {
        var binder = new NativeServiceBinder(interceptor);
        bind(binder);
        _methods = [.. binder.Methods];
        Options = options;
        Logger = logger;
    }

    public NativeGrpcOptions Options { get; }

    internal ILogger Logger { get; }

    internal NativeMethod? FindMethod(ReadOnlySpan<byte> path)
    {
        foreach (var method in _methods)
        {
            if (path.SequenceEqual(method.Path))
            {
                return method;
            }
        }

        return null;
    }
}
