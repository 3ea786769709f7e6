using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using RocketTax.RocketMQ.Client;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers RocketMQ producers and push consumers in a service collection.</summary>
public static class RocketMQServiceCollectionExtensions
{
    /// <summary>Registers a singleton <see cref="Producer"/> with the given options.</summary>
    public static IServiceCollection AddRocketMQProducer(this IServiceCollection services, ProducerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return services.AddRocketMQProducer(_ => options);
    }

    /// <summary>Registers a singleton <see cref="Producer"/> whose options come from the container.</summary>
    public static IServiceCollection AddRocketMQProducer(this IServiceCollection services, Func<IServiceProvider, ProducerOptions> options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        services.TryAddSingleton(sp => new Producer(WithRegisteredChecker(options(sp), sp), sp.GetService<ILogger<Producer>>(), sp.GetService<TimeProvider>()));
        return services;
    }

    /// <summary>
    /// Registers <typeparamref name="TChecker"/> as the producer's <see cref="ITransactionChecker"/> (unless its options
    /// name one), resolved in a scope per check so it may use scoped services.
    /// </summary>
    public static IServiceCollection AddRocketMQTransactionChecker<TChecker>(this IServiceCollection services)
        where TChecker : class, ITransactionChecker
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddScoped<TChecker>();
        services.TryAddSingleton<ITransactionChecker>(sp => new ScopedTransactionChecker<TChecker>(sp.GetRequiredService<IServiceScopeFactory>()));
        return services;
    }

    /// <summary>
    /// Registers a singleton <see cref="Producer"/> configured from <c>ConnectionStrings:{connectionName}</c> and the
    /// <c>Aspire:RocketMQ:Client</c> section of the container's configuration.
    /// </summary>
    public static IServiceCollection AddRocketMQProducer(this IServiceCollection services, string connectionName, Action<RocketMQClientSettings>? configure = null) =>
        services.AddRocketMQProducer(sp => RocketMQSettingsReader.Read(sp.GetRequiredService<IConfiguration>(), connectionName, configure).ToProducerOptions());

    /// <summary>Registers a <see cref="PushConsumer"/> run by a hosted service, with <typeparamref name="THandler"/> resolved in a scope per message.</summary>
    public static IServiceCollection AddRocketMQPushConsumer<THandler>(this IServiceCollection services, PushConsumerOptions options)
        where THandler : class, IMessageHandler
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return services.AddRocketMQPushConsumer<THandler>(_ => options);
    }

    /// <summary>Registers a <see cref="PushConsumer"/> whose options come from the container, run by a hosted service.</summary>
    public static IServiceCollection AddRocketMQPushConsumer<THandler>(this IServiceCollection services, Func<IServiceProvider, PushConsumerOptions> options)
        where THandler : class, IMessageHandler
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        services.TryAddScoped<THandler>();
        services.TryAddSingleton(sp => new PushConsumer(
            options(sp), new ScopedMessageHandler<THandler>(sp.GetRequiredService<IServiceScopeFactory>()),
            sp.GetService<ILogger<PushConsumer>>(), sp.GetService<TimeProvider>()));
        services.AddSingleton<IHostedService>(sp => new PushConsumerHostedService(sp.GetRequiredService<PushConsumer>()));
        return services;
    }

    /// <summary>
    /// Registers a <see cref="PushConsumer"/> configured from <c>ConnectionStrings:{connectionName}</c> and the
    /// <c>Aspire:RocketMQ:Client</c> section (ConsumerGroup, Subscriptions, SubscriptionFilterTypes, MaxConcurrency), run by a hosted service.
    /// </summary>
    public static IServiceCollection AddRocketMQPushConsumer<THandler>(this IServiceCollection services, string connectionName, Action<RocketMQClientSettings>? configure = null)
        where THandler : class, IMessageHandler =>
        services.AddRocketMQPushConsumer<THandler>(sp => RocketMQSettingsReader.Read(sp.GetRequiredService<IConfiguration>(), connectionName, configure).ToPushConsumerOptions());

    private static ProducerOptions WithRegisteredChecker(ProducerOptions options, IServiceProvider services) =>
        options.TransactionChecker is null && services.GetService<ITransactionChecker>() is { } checker
            ? options with { TransactionChecker = checker }
            : options;

    /// <summary>Health check, tracing and metrics as the settings ask.</summary>
    internal static void AddRocketMQDiagnostics(this IServiceCollection services, RocketMQClientSettings settings, string healthCheckName, Func<IServiceProvider, RocketTax.RocketMQ.Client.Session.ClientSession> session)
    {
        if (!settings.DisableHealthChecks)
        {
            services.AddHealthChecks().Add(new HealthCheckRegistration(
                healthCheckName, sp => new RocketMQHealthCheck(() => session(sp), settings.CheckedTopic), failureStatus: default, tags: ["rocketmq"]));
        }

        if (!settings.DisableTracing)
        {
            services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddRocketMQInstrumentation());
        }

        if (!settings.DisableMetrics)
        {
            services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddRocketMQInstrumentation());
        }
    }
}
