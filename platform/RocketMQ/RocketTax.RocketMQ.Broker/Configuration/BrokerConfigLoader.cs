using System.Globalization;
using RocketTax.RocketMQ.Broker.Security;
using RocketTax.RocketMQ.Broker.Store;

namespace RocketTax.RocketMQ.Broker.Configuration;

/// <summary>Builds a <see cref="BrokerConfig"/> from a properties file plus command-line overrides.</summary>
public static class BrokerConfigLoader
{
    /// <summary>Loads <paramref name="path"/>; unknown keys go to <paramref name="warn"/>, bad ones throw <see cref="ConfigurationException"/>.</summary>
    public static BrokerConfig Load(string? path, IReadOnlyDictionary<string, string> overrides, Action<string> warn)
    {
        var entries = new List<KeyValuePair<string, string>>();
        var source = path ?? "(command line)";
        if (path is not null)
        {
            if (!File.Exists(path))
            {
                throw new ConfigurationException($"configuration file '{path}' does not exist");
            }

            entries.AddRange(PropertiesFile.Parse(File.ReadAllText(path)));
        }

        entries.AddRange(overrides);
        var config = new BrokerConfig { Source = source };
        foreach (var (key, value) in entries)
        {
            config = Apply(config, key, value, source, warn);
        }

        return Validate(config);
    }

    private static BrokerConfig Apply(BrokerConfig config, string key, string value, string source, Action<string> warn)
    {
        var setting = new Setting(key, value, source);
        return key switch
        {
            "brokerClusterName" => config with { BrokerClusterName = setting.Name() },
            "brokerName" => config with { BrokerName = setting.Name() },
            "brokerId" => config with { BrokerId = setting.Long(0, long.MaxValue) },
            "deleteWhen" => config with { DeleteWhen = setting.Hours() },
            "fileReservedTime" => config with { FileReservedTime = (int)setting.Long(1, 24 * 365 * 10) },
            "brokerRole" => config with { BrokerRole = setting.Enum<BrokerRole>(("ASYNC_MASTER", BrokerRole.AsyncMaster), ("SYNC_MASTER", BrokerRole.SyncMaster), ("SLAVE", BrokerRole.Slave)) },
            "flushDiskType" => config with { FlushDiskType = setting.Enum<FlushDiskType>(("ASYNC_FLUSH", FlushDiskType.AsyncFlush), ("SYNC_FLUSH", FlushDiskType.SyncFlush)) },
            "namesrvAddr" => config with { NamesrvAddr = setting.Endpoints() },
            "registerNameServerPeriod" => config with { RegisterNameServerPeriod = setting.Long(100, 24L * 60 * 60 * 1000) },
            "listenPort" => config with { ListenPort = setting.Port() },
            "grpcServerPort" => config with { GrpcServerPort = setting.Port() },
            "brokerIP1" => config with { BrokerIP1 = setting.NonEmpty() },
            "storePathRootDir" => config with { StorePathRootDir = setting.NonEmpty() },
            "autoCreateTopicEnable" => config with { AutoCreateTopicEnable = setting.Bool() },
            "defaultTopicQueueNums" => config with { DefaultTopicQueueNums = (int)setting.Long(1, 1024) },
            "mappedFileSizeCommitLog" => config with { MappedFileSizeCommitLog = (int)setting.Long(4096, int.MaxValue) },
            "maxMessageSize" => config with { MaxMessageSize = (int)setting.Long(1, 1024 * 1024 * 1024) },
            "flushIntervalCommitLog" => config with { FlushIntervalCommitLog = (int)setting.Long(1, 60_000) },
            "waitTimeMillsInSendQueue" => config with { WaitTimeMillsInSendQueue = setting.Long(1, 600_000) },
            "sendThreadPoolQueueCapacity" => config with { SendThreadPoolQueueCapacity = (int)setting.Long(1, 10_000_000) },
            "minInvisibleTimeMillsForRecv" => config with { MinInvisibleTimeMillsForRecv = setting.Long(0, long.MaxValue) },
            "maxInvisibleTimeMills" => config with { MaxInvisibleTimeMills = setting.Long(1, long.MaxValue) },
            "defaultRetryMaxTimes" => config with { DefaultRetryMaxTimes = (int)setting.Long(0, 1000) },
            "messageDelayLevel" => config with { MessageDelayLevel = setting.DelayLevels() },
            "longPollingTimeoutMills" => config with { LongPollingTimeoutMills = setting.Long(0, 600_000) },
            "timerMaxDelaySec" => config with { TimerMaxDelaySec = setting.Long(1, 10L * 365 * 24 * 60 * 60) },
            "transactionTimeOut" => config with { TransactionTimeOut = setting.Long(1, 24L * 60 * 60 * 1000) },
            "transactionCheckInterval" => config with { TransactionCheckInterval = setting.Long(1, 24L * 60 * 60 * 1000) },
            "transactionCheckMax" => config with { TransactionCheckMax = (int)setting.Long(0, 1000) },
            "aclEnable" => config with { AclEnable = setting.Bool() },
            "aclConfigFile" => config with { AclConfigFile = setting.FilePath() },
            "tlsServerMode" => config with { TlsServerMode = setting.Enum<TlsServerMode>(("disabled", TlsServerMode.Disabled), ("permissive", TlsServerMode.Permissive), ("enforcing", TlsServerMode.Enforcing)) },
            "grpcTransport" => config with { GrpcTransport = setting.Enum<GrpcTransport>(("kestrel", GrpcTransport.Kestrel), ("native", GrpcTransport.Native)) },
            "tlsServerCertPath" => config with { TlsServerCertPath = setting.FilePath() },
            "tlsServerKeyPath" => config with { TlsServerKeyPath = setting.FilePath() },
            "tlsServerKeyPassword" => config with { TlsServerKeyPassword = setting.Value },
            _ => Unknown(config, key, source, warn),
        };
    }

    private static BrokerConfig Unknown(BrokerConfig config, string key, string source, Action<string> warn)
    {
        warn($"unknown key '{key}' in {source} is ignored");
        return config;
    }

    private static BrokerConfig Validate(BrokerConfig config)
    {
        if (config.MaxMessageSize > config.MappedFileSizeCommitLog / 2)
        {
            throw new ConfigurationException(
                $"maxMessageSize={config.MaxMessageSize} in {config.Source} must be at most half of mappedFileSizeCommitLog={config.MappedFileSizeCommitLog}");
        }

        if (config.MinInvisibleTimeMillsForRecv > config.MaxInvisibleTimeMills)
        {
            throw new ConfigurationException(
                $"minInvisibleTimeMillsForRecv={config.MinInvisibleTimeMillsForRecv} in {config.Source} exceeds maxInvisibleTimeMills={config.MaxInvisibleTimeMills}");
        }

        if (config.AclEnable)
        {
            config = config with { AclConfigFile = config.AclConfigFile ?? DefaultAclConfigFile(config) };
            PlainAclFile.Load(config.AclConfigFile, _ => { });
        }

        if (config.TlsServerCertPath is { } certPath && !File.Exists(certPath))
        {
            throw new ConfigurationException($"tlsServerCertPath={certPath} in {config.Source} does not exist");
        }

        return config;
    }

    /// <summary>RocketMQ keeps <c>plain_acl.yml</c> in its conf directory: here, beside the properties file.</summary>
    private static string DefaultAclConfigFile(BrokerConfig config) => File.Exists(config.Source)
        ? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(config.Source))!, "plain_acl.yml")
        : throw new ConfigurationException("aclEnable=true needs aclConfigFile, the path of the ACL file");

    private readonly record struct Setting(string Key, string Value, string Source)
    {
        private ConfigurationException Invalid(string expected) =>
            new($"invalid value '{Value}' for key '{Key}' in {Source}: expected {expected}");

        public string NonEmpty() => string.IsNullOrWhiteSpace(Value) ? throw Invalid("a non-empty value") : Value.Trim();

        public string Name()
        {
            var name = NonEmpty();
            foreach (var c in name)
            {
                if (!char.IsAsciiLetterOrDigit(c) && c is not '-' and not '_' and not '.')
                {
                    throw Invalid("letters, digits, '-', '_' or '.'");
                }
            }

            return name;
        }

        public long Long(long min, long max) =>
            long.TryParse(Value.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max
                ? number
                : throw Invalid($"a whole number from {min} to {max}");

        /// <summary>A path; a relative one is taken from the properties file's directory.</summary>
        public string FilePath() => File.Exists(Source)
            ? Path.GetFullPath(NonEmpty(), Path.GetDirectoryName(Path.GetFullPath(Source))!)
            : Path.GetFullPath(NonEmpty());

        public int Port() => (int)Long(1, 65535);

        public bool Bool() => Value.Trim().ToLowerInvariant() switch
        {
            "true" => true,
            "false" => false,
            _ => throw Invalid("true or false"),
        };

        public T Enum<T>(params (string Name, T Value)[] choices)
        {
            foreach (var (name, value) in choices)
            {
                if (string.Equals(name, Value.Trim(), StringComparison.OrdinalIgnoreCase))
                {
                    return value;
                }
            }

            throw Invalid("one of " + string.Join(", ", choices.Select(c => c.Name)));
        }

        public IReadOnlyList<int> Hours()
        {
            var hours = new List<int>();
            foreach (var part in NonEmpty().Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var hour) || hour > 23)
                {
                    throw Invalid("hours of the day from 00 to 23, separated by ';'");
                }

                hours.Add(hour);
            }

            return hours;
        }

        /// <summary>RocketMQ's <c>1s 5s 10s 30s 1m ... 2h</c>: durations with a unit of s, m, h or d.</summary>
        public IReadOnlyList<TimeSpan> DelayLevels()
        {
            var levels = new List<TimeSpan>();
            foreach (var part in NonEmpty().Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var unit = part[^1] switch
                {
                    's' => TimeSpan.FromSeconds(1),
                    'm' => TimeSpan.FromMinutes(1),
                    'h' => TimeSpan.FromHours(1),
                    'd' => TimeSpan.FromDays(1),
                    _ => TimeSpan.Zero,
                };
                if (unit == TimeSpan.Zero || !long.TryParse(part[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count <= 0)
                {
                    throw Invalid("durations such as '1s 5s 10s 30s 1m 2h' (units s, m, h, d)");
                }

                levels.Add(unit * count);
            }

            return levels;
        }

        public string Endpoints()
        {
            var value = NonEmpty();
            foreach (var endpoint in value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var colon = endpoint.LastIndexOf(':');
                if (colon <= 0 || !int.TryParse(endpoint[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
                {
                    throw Invalid("host:port entries separated by ';'");
                }
            }

            return value;
        }
    }
}
