using RocketTax.RocketMQ.Broker.Configuration;
using RocketTax.RocketMQ.Broker.Store;

namespace RocketTax.RocketMQ.Broker.Tests.Configuration;

/// <summary>The seed's properties files load unchanged; bad ones are refused with the key, value and file named.</summary>
public sealed class BrokerConfigLoaderTests : IDisposable
{
    // broker-a.properties exactly as the tutorial prints it, comments included.
    private const string SeedBrokerA = """
        #集群名称，同一个集群下的 broker 要求统一
        brokerClusterName=DefaultCluster
        #broker 名称
        brokerName=broker-a
        #brokerId=0 代表主节点，大于零代表从节点
        brokerId=0
        #删除日志文件时间点，默认凌晨 4 点
        deleteWhen=04
        #日志文件保留时间，默认 48 小时
        fileReservedTime=48
        #Broker 的角色
        #- ASYNC_MASTER 异步复制Master
        #- SYNC_MASTER 同步双写Master
        brokerRole=ASYNC_MASTER
        #刷盘方式
        #- ASYNC_FLUSH 异步刷盘，性能好宕机会丢数
        #- SYNC_FLUSH 同步刷盘，性能较差不会丢数
        flushDiskType=ASYNC_FLUSH
        #末尾追加，NameServer 节点列表，使用分号分割
        namesrvAddr=192.168.31.200:9876;192.168.31.201:9876
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("rockettax-config-").FullName;
    private readonly List<string> _warnings = [];

    [Fact]
    public void Seed_broker_a_properties_load_unchanged_without_warnings()
    {
        var config = Load(SeedBrokerA);

        Assert.Equal("DefaultCluster", config.BrokerClusterName);
        Assert.Equal("broker-a", config.BrokerName);
        Assert.Equal(0, config.BrokerId);
        Assert.Equal([4], config.DeleteWhen);
        Assert.Equal(48, config.FileReservedTime);
        Assert.Equal(BrokerRole.AsyncMaster, config.BrokerRole);
        Assert.Equal(FlushDiskType.AsyncFlush, config.FlushDiskType);
        Assert.Equal("192.168.31.200:9876;192.168.31.201:9876", config.NamesrvAddr);
        Assert.Equal(10911, config.ListenPort);
        Assert.Equal(8081, config.GrpcServerPort);
        Assert.Empty(_warnings);
    }

    [Fact]
    public void Command_line_name_server_overrides_the_file()
    {
        var path = Write(SeedBrokerA);
        var config = BrokerConfigLoader.Load(path, new Dictionary<string, string> { ["namesrvAddr"] = "127.0.0.1:9876" }, _warnings.Add);
        Assert.Equal("127.0.0.1:9876", config.NamesrvAddr);
    }

    [Fact]
    public void Unknown_key_is_a_warning_naming_it()
    {
        Load(SeedBrokerA + "\nbrokerColour=blue\n");
        Assert.Contains(_warnings, w => w.Contains("'brokerColour'", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("flushDiskType=SOMETIMES", "flushDiskType", "SOMETIMES")]
    [InlineData("brokerRole=LEADER", "brokerRole", "LEADER")]
    [InlineData("grpcServerPort=70000", "grpcServerPort", "70000")]
    [InlineData("deleteWhen=25", "deleteWhen", "25")]
    [InlineData("autoCreateTopicEnable=yes", "autoCreateTopicEnable", "yes")]
    [InlineData("namesrvAddr=nameserver-without-port", "namesrvAddr", "nameserver-without-port")]
    [InlineData("messageDelayLevel=1s 5x", "messageDelayLevel", "1s 5x")]
    [InlineData("waitTimeMillsInSendQueue=0", "waitTimeMillsInSendQueue", "0")]
    [InlineData("sendThreadPoolQueueCapacity=-1", "sendThreadPoolQueueCapacity", "-1")]
    [InlineData("grpcTransport=netty", "grpcTransport", "netty")]
    public void Invalid_value_is_refused_naming_key_value_and_file(string line, string key, string value)
    {
        var path = Write(SeedBrokerA + "\n" + line + "\n");
        var error = Assert.Throws<ConfigurationException>(() => BrokerConfigLoader.Load(path, new Dictionary<string, string>(), _warnings.Add));
        Assert.Contains($"'{key}'", error.Message, StringComparison.Ordinal);
        Assert.Contains($"'{value}'", error.Message, StringComparison.Ordinal);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Grpc_transport_is_native_unless_set_to_kestrel()
    {
        Assert.Equal(GrpcTransport.Native, Load(SeedBrokerA).GrpcTransport);
        Assert.Equal(GrpcTransport.Kestrel, Load(SeedBrokerA + "\ngrpcTransport=kestrel\n").GrpcTransport);
    }

    [Fact]
    public void Missing_file_is_refused_naming_it()
    {
        var path = Path.Combine(_dir, "no-such.properties");
        var error = Assert.Throws<ConfigurationException>(() => BrokerConfigLoader.Load(path, new Dictionary<string, string>(), _warnings.Add));
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Message_delay_levels_set_the_consumer_retry_backoff_from_the_third_level()
    {
        var config = Load(SeedBrokerA + "\nmessageDelayLevel=1s 2s 3s 4m 1h\n");
        Assert.Equal([TimeSpan.FromSeconds(3), TimeSpan.FromMinutes(4), TimeSpan.FromHours(1)], config.ConsumerRetryBackoff);
        Assert.Equal(TimeSpan.FromSeconds(10), BrokerConfigLoader.Load(null, new Dictionary<string, string>(), _warnings.Add).ConsumerRetryBackoff[0]);
    }

    [Fact]
    public void Send_queue_limits_reach_the_store_and_default_to_200_ms_and_10000_sends()
    {
        var defaults = BrokerConfigLoader.Load(null, new Dictionary<string, string>(), _warnings.Add).ToStoreOptions("127.0.0.1:10911");
        Assert.Equal(TimeSpan.FromMilliseconds(200), defaults.SendQueueWaitLimit);
        Assert.Equal(10_000, defaults.SendQueueCapacity);

        var store = Load(SeedBrokerA + "\nwaitTimeMillsInSendQueue=500\nsendThreadPoolQueueCapacity=2000\n").ToStoreOptions("127.0.0.1:10911");
        Assert.Equal(TimeSpan.FromMilliseconds(500), store.SendQueueWaitLimit);
        Assert.Equal(2_000, store.SendQueueCapacity);
        Assert.Empty(_warnings);
    }

    [Fact]
    public void Properties_syntax_allows_colons_spaces_continuations_and_escapes()
    {
        var entries = PropertiesFile.Parse("a : 1\nb 2\n! comment\nc=one \\\n  two\nd=\\u7a0e\\t!\n");
        Assert.Equal(
            [new("a", "1"), new("b", "2"), new("c", "one two"), new("d", "税\t!")],
            entries);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private BrokerConfig Load(string text) => BrokerConfigLoader.Load(Write(text), new Dictionary<string, string>(), _warnings.Add);

    private string Write(string text)
    {
        var path = Path.Combine(_dir, $"broker-{Guid.NewGuid():N}.properties");
        File.WriteAllText(path, text);
        return path;
    }
}
