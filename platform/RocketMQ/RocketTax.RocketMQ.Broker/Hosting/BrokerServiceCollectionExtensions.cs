using System.Security.Cryptography.X509Certificates;
using RocketTax.RocketMQ.Broker.Cluster;
using RocketTax.RocketMQ.Broker.Configuration;
using RocketTax.RocketMQ.Broker.Diagnostics;
using RocketTax.RocketMQ.Broker.Grpc;
using RocketTax.RocketMQ.Broker.Grpc.Handlers;
using RocketTax.RocketMQ.Broker.Managers;
using RocketTax.RocketMQ.Broker.Managers.Filtering;
using RocketTax.RocketMQ.Broker.Managers.Pull;
using RocketTax.RocketMQ.Broker.Managers.Timer;
using RocketTax.RocketMQ.Broker.Managers.Transactions;
using RocketTax.RocketMQ.Broker.Remoting;
using RocketTax.RocketMQ.Broker.Security;
using RocketTax.RocketMQ.Broker.Store;
using RocketTax.RocketMQ.Remoting;

namespace RocketTax.RocketMQ.Broker.Hosting;

/// <summary>Registers the broker's layers: managers over the store, handlers over the managers.</summary>
public static class BrokerServiceCollectionExtensions
{
    /// <summary>
    /// The broker over <paramref name="store"/>; <paramref name="tlsCertificate"/> is the certificate its gRPC port
    /// presents (none when TLS is disabled), which it also trusts in the other masters.
    /// </summary>
    public static IServiceCollection AddBroker(this IServiceCollection services, BrokerConfig config, IMessageStore store, X509Certificate2? tlsCertificate = null)
    {
        services.AddSingleton(config);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(store);
        services.AddSingleton<BrokerIdentity>();

        services.AddSingleton<TopicManager>();
        services.AddSingleton<ClientManager>();
        services.AddSingleton(sp => new PopJournal(
            config.StorePathRootDir,
            TimeSpan.FromMilliseconds(config.FlushIntervalCommitLog),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<PopJournal>>()));
        services.AddSingleton<QueueMessageReader>();
        services.AddSingleton<PopManager>();
        services.AddSingleton<ConsumerOffsetManager>();
        services.AddSingleton<QueueArrivals>();
        services.AddSingleton<MessagePuller>();
        services.AddSingleton<MessageFilterCache>();
        services.AddSingleton<BrokerMetrics>();
        services.AddSingleton<SubscriptionGroupManager>();
        services.AddSingleton<ConsumerRetries>();
        services.AddSingleton<SubscriptionGroupAdminProcessor>();
        services.AddSingleton<TelemetrySessions>();
        services.AddSingleton<ITransactionCheckChannel>(sp => sp.GetRequiredService<TelemetrySessions>());
        services.AddSingleton<TimerMessageService>();
        services.AddSingleton<TransactionalMessageService>();

        services.AddSingleton<MessageQueues>();
        services.AddSingleton<QueryRouteHandler>();
        services.AddSingleton<HeartbeatHandler>();
        services.AddSingleton<SendMessageHandler>();
        services.AddSingleton<QueryAssignmentHandler>();
        services.AddSingleton<ReceiveMessageHandler>();
        services.AddSingleton<AckMessageHandler>();
        services.AddSingleton<ChangeInvisibleDurationHandler>();
        services.AddSingleton<ForwardToDeadLetterQueueHandler>();
        services.AddSingleton<TelemetryHandler>();
        services.AddSingleton<NotifyClientTerminationHandler>();
        services.AddSingleton<EndTransactionHandler>();
        services.AddSingleton<RecallMessageHandler>();
        services.AddSingleton<PullMessageHandler>();
        services.AddSingleton<UpdateOffsetHandler>();
        services.AddSingleton<GetOffsetHandler>();
        services.AddSingleton<QueryOffsetHandler>();

        // Registered, gRPC resolves the endpoint instead of constructing it with its 17 dependencies on every call.
        services.AddSingleton<MessagingServiceEndpoint>();

        services.AddBrokerCluster(config, tlsCertificate);
        services.AddBrokerAccessControl(config);
        services.AddHostedService<ExpiredSegmentCleaner>();
        services.AddHostedService<PopReviveService>();
        services.AddHostedService<ConsumerOffsetFlushService>();
        services.AddHostedService(sp => sp.GetRequiredService<TimerMessageService>());
        services.AddHostedService(sp => sp.GetRequiredService<TransactionalMessageService>());
        services.AddGrpc(options =>
        {
            // Room for a batch of maximum-size bodies, so an oversized body gets MESSAGE_BODY_TOO_LARGE, not a transport error.
            options.MaxReceiveMessageSize = Math.Max(64 * 1024 * 1024, (config.MaxMessageSize * 2) + (1024 * 1024));
            options.MaxSendMessageSize = null;
        });
        services.AddNativeGrpc();
        return services;
    }

    /// <summary>
    /// The broker's part in a cluster: the remoting server on <c>listenPort</c> (mqadmin, other brokers), the
    /// registration with every name server, and cluster-wide routes.
    /// </summary>
    public static IServiceCollection AddBrokerCluster(this IServiceCollection services, BrokerConfig config, X509Certificate2? tlsCertificate)
    {
        services.AddSingleton(NameServerList.Parse(config.NamesrvAddr));
        // With aclEnable the other masters check this broker's calls too: it signs them (name servers ignore the fields).
        services.AddSingleton(sp => new RemotingClient { Credentials = sp.GetService<AclConfig>()?.PeerCredentials });
        services.AddSingleton<TpsMeter>();
        services.AddSingleton<BrokerAdminProcessor>();
        services.AddSingleton<SendMessageProcessor>();
        services.AddSingleton<ConsumerConnectionProcessor>();
        services.AddSingleton<ClientManageProcessor>();
        services.AddSingleton<PullMessageProcessor>();
        services.AddSingleton<ConsumerOffsetProcessor>();
        services.AddSingleton<ConsumerSendMsgBackProcessor>();
        services.AddSingleton(sp => new RemotingServer(
            new RemotingServerOptions(config.ListenPort),
            [
                sp.GetRequiredService<BrokerAdminProcessor>(), sp.GetRequiredService<SubscriptionGroupAdminProcessor>(),
                sp.GetRequiredService<SendMessageProcessor>(), sp.GetRequiredService<ConsumerConnectionProcessor>(),
                sp.GetRequiredService<ClientManageProcessor>(), sp.GetRequiredService<PullMessageProcessor>(),
                sp.GetRequiredService<ConsumerOffsetProcessor>(), sp.GetRequiredService<ConsumerSendMsgBackProcessor>(),
            ],
            sp.GetRequiredService<ILogger<RemotingServer>>(),
            sp.GetService<IRemotingRequestGuard>()));
        services.AddSingleton<NameServerRegistrar>();
        services.AddSingleton<ClusterRouteService>();
        services.AddSingleton<ClusterTopicCreator>();
        services.AddSingleton(sp => new PeerTransport(config.TlsServerMode, tlsCertificate, sp.GetRequiredService<ILogger<PeerTransport>>()));
        services.AddSingleton<PeerBrokers>();

        // Order matters: the remoting port is open before the first registration names it.
        services.AddHostedService<RemotingServerService>();
        services.AddHostedService(sp => sp.GetRequiredService<TpsMeter>());
        services.AddHostedService(sp => sp.GetRequiredService<NameServerRegistrar>());
        return services;
    }
}
