using System.Globalization;
using RocketTax.RocketMQ.Broker.Configuration;

namespace RocketTax.RocketMQ.Broker.NameServer;

/// <summary>Builds a <see cref="NameServerConfig"/> from an optional <c>namesrv.properties</c> plus command-line overrides.</summary>
public static class NameServerConfigLoader
{
    /// <summary>Unknown keys go to <paramref name="warn"/>; bad values throw <see cref="ConfigurationException"/> naming key, value and file.</summary>
    public static NameServerConfig Load(string? path, IReadOnlyDictionary<string, string> overrides, Action<string> warn)
    {
        var entries = new List<KeyValuePair<string, string>>();
        if (path is not null)
        {
            if (!File.Exists(path))
            {
                throw new ConfigurationException($"configuration file '{path}' does not exist");
            }

            entries.AddRange(PropertiesFile.Parse(File.ReadAllText(path)));
        }

        var config = new NameServerConfig { Source = path ?? "(command line)" };
        foreach (var (key, value) in entries)
        {
            config = Apply(config, key, value, config.Source, warn);
        }

        foreach (var (key, value) in overrides)
        {
            config = Apply(config, key, value, "the command line", warn);
        }

        return config;
    }

    private static NameServerConfig Apply(NameServerConfig config, string key, string value, string source, Action<string> warn)
    {
        long Number(long min, long max) =>
            long.TryParse(value.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
                ? n
                : throw new ConfigurationException($"invalid value '{value}' for key '{key}' in {source}: expected a whole number from {min} to {max}");

        switch (key)
        {
            case "listenPort":
                return config with { ListenPort = (int)Number(1, 65535) };
            case "brokerExpiredMillis":
                return config with { BrokerExpiredMillis = Number(100, 24L * 60 * 60 * 1000) };
            case "scanNotActiveBrokerInterval":
                return config with { ScanNotActiveBrokerInterval = Number(10, 10 * 60 * 1000) };
            default:
                warn($"unknown key '{key}' in {source} is ignored");
                return config;
        }
    }
}
