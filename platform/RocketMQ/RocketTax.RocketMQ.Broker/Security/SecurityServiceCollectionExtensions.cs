using Grpc.AspNetCore.Server;
using RocketTax.RocketMQ.Broker.Configuration;
using RocketTax.RocketMQ.Broker.Remoting;

namespace RocketTax.RocketMQ.Broker.Security;

/// <summary>
/// Registers access control when <c>aclEnable=true</c>: the ACL file, its validator, the interceptor in front of every
/// RPC, and the guard in front of every request of the remoting port.
/// </summary>
public static class SecurityServiceCollectionExtensions
{
    public static IServiceCollection AddBrokerAccessControl(this IServiceCollection services, BrokerConfig config)
    {
        if (!config.AclEnable)
        {
            return services;
        }

        var path = config.AclConfigFile ?? throw new InvalidOperationException("aclEnable=true without aclConfigFile: the configuration loader resolves it");
        services.AddSingleton(sp =>
        {
            var logger = sp.GetRequiredService<ILogger<AccessValidator>>();
            var acl = PlainAclFile.Load(path, warning => logger.LogWarning("{Warning}", warning));
            logger.LogInformation("ACL enabled: {Accounts} accounts from {AclFile}", acl.Accounts.Count, path);
            return acl;
        });
        services.AddSingleton<AccessValidator>();
        services.AddSingleton<AccessControlInterceptor>();
        services.Configure<GrpcServiceOptions>(options => options.Interceptors.Add<AccessControlInterceptor>());
        services.AddSingleton<IRemotingRequestGuard, RemotingAccessControl>();
        return services;
    }
}
