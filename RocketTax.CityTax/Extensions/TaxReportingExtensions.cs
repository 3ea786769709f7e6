using Microsoft.Extensions.DependencyInjection.Extensions;
using RocketTax.CityTax.Outbox;
using RocketTax.CityTax.Reports;

namespace RocketTax.CityTax.Extensions;

/// <summary>Registers what CityTax needs to report: options, the RocketMQ producer, the outbox and its relay.</summary>
public static class TaxReportingExtensions
{
    /// <summary>The connection string name the AppHost gives the RocketMQ cluster.</summary>
    public const string RocketMQConnectionName = "rocketmq";

    public static IHostApplicationBuilder AddTaxReporting(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<TaxReportingOptions>()
            .Bind(builder.Configuration.GetSection(TaxReportingOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddProblemDetails();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.AddRocketMQProducer(RocketMQConnectionName);
        builder.Services.AddSingleton<OutboxStore>();
        builder.Services.AddSingleton<OutboxSignal>();
        builder.Services.AddSingleton<ReportPublisher>();
        builder.Services.AddSingleton<ReportIntake>();
        builder.Services.AddHostedService<OutboxRelay>();
        return builder;
    }
}
