using Apache.Rocketmq.V2;
using Grpc.AspNetCore.Server;
using Microsoft.Extensions.Options;
using RocketTax.RocketMQ.Broker.Grpc;
using RocketTax.RocketMQ.Broker.Grpc.Transport;
using RocketTax.RocketMQ.Broker.Security;

namespace RocketTax.RocketMQ.Broker.Hosting;

/// <summary>The native gRPC transport's service: MessagingService bound from its generated code, with the limits and access control Grpc.AspNetCore would apply.</summary>
public static class NativeGrpcServiceCollectionExtensions
{
    public static IServiceCollection AddNativeGrpc(this IServiceCollection services)
    {
        services.AddSingleton(sp =>
        {
            var grpc = sp.GetRequiredService<IOptions<GrpcServiceOptions>>().Value;
            var endpoint = sp.GetRequiredService<MessagingServiceEndpoint>();
            return new NativeGrpcService(
                binder => MessagingService.BindService(binder, endpoint),
                sp.GetService<AccessControlInterceptor>(),
                new NativeGrpcOptions { MaxReceiveMessageSize = grpc.MaxReceiveMessageSize },
                sp.GetRequiredService<ILogger<NativeGrpcService>>());
        });
        return services;
    }
}
