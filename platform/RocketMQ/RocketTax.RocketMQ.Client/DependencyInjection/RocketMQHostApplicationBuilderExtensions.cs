using Microsoft.Extensions.DependencyInjection;
using RocketTax.RocketMQ.Client;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The Aspire client integration for RocketMQ: settings from <c>Aspire:RocketMQ:Client</c>, endpoints from
/// <c>ConnectionStrings:{connectionName}</c>, plus a health check, tracing and metrics unless disabled.
/// </summary>
public static class RocketMQHostApplicationBuilderExtensions
{
    /// <summary>Registers a singleton <see cref="Producer"/>, the <c>rocketmq_check</c> health check, tracing and metrics.</summary>
    public static IHostApplicationBuilder AddRocketMQProducer(this IHostApplicationBuilder builder, string connectionName, Action<RocketMQClientSettings>? configureSettings = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var settings = RocketMQSettingsReader.Read(builder.Configuration, connectionName, configureSettings);
        var options = settings.ToProducerOptions();
        builder.Services.AddRocketMQProducer(options);
        builder.Services.AddRocketMQDiagnostics(settings, "rocketmq_check", sp => sp.GetRequiredService<Producer>().Session);
        return builder;
    }

    /// <summary>
    /// Registers a <see cref="PushConsumer"/> handing messages to <typeparamref name="THandler"/> (resolved in a scope
    /// per message), run as a hosted service, with the <c>rocketmq_consumer_check</c> health check, tracing and metrics.
    /// </summary>
    public static IHostApplicationBuilder AddRocketMQPushConsumer<THandler>(this IHostApplicationBuilder builder, string connectionName, Action<RocketMQClientSettings>? configureSettings = null)
        where THandler : class, IMessageHandler
    {
        ArgumentNullException.ThrowIfNull(builder);
        var settings = RocketMQSettingsReader.Read(builder.Configuration, connectionName, configureSettings);
        var options = settings.ToPushConsumerOptions();
        builder.Services.AddRocketMQPushConsumer<THandler>(options);
        builder.Services.AddRocketMQDiagnostics(settings, "rocketmq_consumer_check", sp => sp.GetRequiredService<PushConsumer>().Session);
        return builder;
    }
}
