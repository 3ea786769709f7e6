using RocketTax.RocketMQ.Broker.Configuration;
using RocketTax.RocketMQ.Broker.Grpc;
using RocketTax.RocketMQ.Broker.Grpc.Handlers;
using RocketTax.RocketMQ.Broker.Managers;
using RocketTax.RocketMQ.Broker.Store;

namespace RocketTax.RocketMQ.Broker.Hosting;

/// <summary>Registers the broker's layers: managers over the store, handlers over the managers.</summary>
public static class BrokerServiceCollectionExtensions
{
    public static IServiceCollection AddBroker(this IServiceCollection services, BrokerConfig config, IMessageStore store)
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
        services.AddSingleton<PopManager>();

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

        services.AddHostedService<ExpiredSegmentCleaner>();
        services.AddHostedService<PopReviveService>();
        services.AddGrpc(options =>
        {
            // Room for a batch of maximum-size bodies, so an oversized body gets MESSAGE_BODY_TOO_LARGE, not a transport error.
            options.MaxReceiveMessageSize = Math.Max(64 * 1024 * 1024, (config.MaxMessageSize * 2) + (1024 * 1024));
            options.MaxSendMessageSize = null;
        });
        return services;
    }
}
