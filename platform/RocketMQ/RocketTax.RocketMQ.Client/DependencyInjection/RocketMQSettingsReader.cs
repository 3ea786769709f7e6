using Microsoft.Extensions.Configuration;

namespace RocketTax.RocketMQ.Client;

/// <summary>Reads <see cref="RocketMQClientSettings"/> the Aspire way: the shared section, the named one, the connection string, then code.</summary>
internal static class RocketMQSettingsReader
{
    public const string DefaultConfigSectionName = "Aspire:RocketMQ:Client";

    public static RocketMQClientSettings Read(IConfiguration configuration, string connectionName, Action<RocketMQClientSettings>? configure)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionName);
        var settings = new RocketMQClientSettings();
        configuration.GetSection(DefaultConfigSectionName).Bind(settings);
        configuration.GetSection($"{DefaultConfigSectionName}:{connectionName}").Bind(settings);
        if (configuration.GetConnectionString(connectionName) is { Length: > 0 } connectionString)
        {
            settings.ConnectionString = connectionString;
        }

        configure?.Invoke(settings);
        if (string.IsNullOrWhiteSpace(settings.ConnectionString))
        {
            throw new InvalidOperationException(
                $"The RocketMQ endpoints are missing: set 'ConnectionStrings:{connectionName}' (e.g. '127.0.0.1:8081;127.0.0.1:8091'), " +
                $"'{DefaultConfigSectionName}:ConnectionString', or RocketMQClientSettings.ConnectionString in code.");
        }

        return settings;
    }
}
