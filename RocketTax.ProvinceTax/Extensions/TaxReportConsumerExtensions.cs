using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using RocketTax.ProvinceTax.Consumers;
using RocketTax.ProvinceTax.Reports;

namespace RocketTax.ProvinceTax.Extensions;

/// <summary>Registers the province's consumer (group <c>consumer-group</c> on <c>tax-data-topic</c>, filter <c>*</c>) and its store.</summary>
public static class TaxReportConsumerExtensions
{
    /// <summary>The connection string name the AppHost gives the RocketMQ cluster.</summary>
    public const string RocketMQConnectionName = "rocketmq";

    public static IHostApplicationBuilder AddTaxReportConsumer(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<TaxReportsOptions>()
            .Bind(builder.Configuration.GetSection(TaxReportsOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddProblemDetails();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<TaxReportRepository>();
        builder.Services.AddSingleton<TaxReportMetrics>();
        builder.AddRocketMQPushConsumer<TaxReportHandler>(RocketMQConnectionName);
        builder.Services.AddOpenTelemetry()
            .WithTracing(tracing => tracing.AddSource(TaxReportRepository.ActivitySource.Name))
            .WithMetrics(metrics => metrics.AddMeter(TaxReportMetrics.MeterName));
        return builder;
    }
}
