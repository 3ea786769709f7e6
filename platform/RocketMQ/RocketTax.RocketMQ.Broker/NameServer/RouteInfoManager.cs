using RocketTax.RocketMQ.Remoting.Body;

namespace RocketTax.RocketMQ.Broker.NameServer;

/// <summary>
/// The name server's picture of the cluster (RocketMQ's <c>RouteInfoManager</c>): clusters, broker
/// addresses, each topic's queues per broker, and when each broker last registered.
/// </summary>
public sealed partial class RouteInfoManager(NameServerConfig config, TimeProvider time, ILogger<RouteInfoManager> logger)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, SortedSet<string>> _clusterAddrTable = new(StringComparer.Ordinal);
    private readonly Dictionary<string, BrokerData> _brokerAddrTable = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, QueueData>> _topicQueueTable = new(StringComparer.Ordinal);
    private readonly Dictionary<string, BrokerLiveInfo> _brokerLiveTable = new(StringComparer.Ordinal);

    /// <summary>Records (or refreshes) a broker and, for a master, replaces its topics with the registered ones.</summary>
    public void RegisterBroker(BrokerRegistration registration)
    {
        bool first;
        lock (_gate)
        {
            if (!_clusterAddrTable.TryGetValue(registration.ClusterName, out var names))
            {
                _clusterAddrTable[registration.ClusterName] = names = new SortedSet<string>(StringComparer.Ordinal);
            }

            names.Add(registration.BrokerName);
            if (!_brokerAddrTable.TryGetValue(registration.BrokerName, out var data))
            {
                data = new BrokerData { Cluster = registration.ClusterName, BrokerName = registration.BrokerName, GrpcAddrs = [] };
                _brokerAddrTable[registration.BrokerName] = data;
            }

            // A restarted broker may come back on a new address under the same id: the old one is gone.
            if (data.BrokerAddrs.TryGetValue(registration.BrokerId, out var previous) && previous != registration.BrokerAddr)
            {
                _brokerLiveTable.Remove(previous);
            }

            data.BrokerAddrs[registration.BrokerId] = registration.BrokerAddr;
            if (registration.GrpcAddr is not null)
            {
                data.GrpcAddrs![registration.BrokerId] = registration.GrpcAddr;
            }

            if (registration.BrokerId == 0)
            {
                ReplaceTopicsOf(registration.BrokerName, registration.Topics);
            }

            first = !_brokerLiveTable.ContainsKey(registration.BrokerAddr);
            _brokerLiveTable[registration.BrokerAddr] = new BrokerLiveInfo(
                registration.ClusterName, registration.BrokerName, registration.BrokerId, time.GetUtcNow());
        }

        if (first)
        {
            LogRegistered(registration.BrokerName, registration.BrokerAddr, registration.ClusterName, registration.Topics.TopicConfigTable.Count);
        }
    }

    /// <summary>Forgets a broker that said goodbye.</summary>
    public void UnregisterBroker(string clusterName, string brokerAddr, string brokerName, long brokerId)
    {
        lock (_gate)
        {
            _brokerLiveTable.Remove(brokerAddr);
            RemoveBroker(clusterName, brokerName, brokerId, brokerAddr);
        }

        LogUnregistered(brokerName, brokerAddr);
    }

    /// <summary>Drops brokers not heard from within <c>brokerExpiredMillis</c>; returns how many.</summary>
    public int ScanNotActiveBrokers()
    {
        var now = time.GetUtcNow();
        var expiry = TimeSpan.FromMilliseconds(config.BrokerExpiredMillis);
        var expired = new List<(string Addr, BrokerLiveInfo Info)>();
        lock (_gate)
        {
            foreach (var (addr, info) in _brokerLiveTable)
            {
                if (now - info.LastUpdate > expiry)
                {
                    expired.Add((addr, info));
                }
            }

            foreach (var (addr, info) in expired)
            {
                _brokerLiveTable.Remove(addr);
                RemoveBroker(info.ClusterName, info.BrokerName, info.BrokerId, addr);
            }
        }

        foreach (var (addr, info) in expired)
        {
            LogExpired(info.BrokerName, addr, (long)(now - info.LastUpdate).TotalMilliseconds);
        }

        return expired.Count;
    }

    /// <summary>The topic's queues and the brokers that hold them; null when no broker serves it.</summary>
    public TopicRouteData? GetRoute(string topic)
    {
        lock (_gate)
        {
            if (!_topicQueueTable.TryGetValue(topic, out var queues) || queues.Count == 0)
            {
                return null;
            }

            var route = new TopicRouteData();
            foreach (var (brokerName, queueData) in queues.OrderBy(q => q.Key, StringComparer.Ordinal))
            {
                route.QueueDatas.Add(queueData);
                if (_brokerAddrTable.TryGetValue(brokerName, out var data))
                {
                    route.BrokerDatas.Add(Copy(data));
                }
            }

            return route.BrokerDatas.Count == 0 ? null : route;
        }
    }

    public ClusterInfo GetClusterInfo()
    {
        lock (_gate)
        {
            var info = new ClusterInfo();
            foreach (var (name, data) in _brokerAddrTable)
            {
                info.BrokerAddrTable[name] = Copy(data);
            }

            foreach (var (cluster, names) in _clusterAddrTable)
            {
                info.ClusterAddrTable[cluster] = [.. names];
            }

            return info;
        }
    }

    public TopicListBody GetTopics()
    {
        lock (_gate)
        {
            return new TopicListBody { TopicList = [.. _topicQueueTable.Keys.Order(StringComparer.Ordinal)] };
        }
    }

    /// <summary>Forgets a topic everywhere (<c>DELETE_TOPIC_IN_NAMESRV</c>); brokers that still serve it bring it back when they register.</summary>
    public bool DeleteTopic(string topic)
    {
        lock (_gate)
        {
            return _topicQueueTable.Remove(topic);
        }
    }

    private void ReplaceTopicsOf(string brokerName, TopicConfigSerializeWrapper topics)
    {
        foreach (var (topic, queues) in _topicQueueTable)
        {
            if (!topics.TopicConfigTable.ContainsKey(topic))
            {
                queues.Remove(brokerName);
            }
        }

        foreach (var (name, topic) in topics.TopicConfigTable)
        {
            if (!_topicQueueTable.TryGetValue(name, out var queues))
            {
                _topicQueueTable[name] = queues = new Dictionary<string, QueueData>(StringComparer.Ordinal);
            }

            queues[brokerName] = new QueueData(brokerName, topic.ReadQueueNums, topic.WriteQueueNums, topic.Perm, topic.TopicSysFlag);
        }

        RemoveEmptyTopics();
    }

    private void RemoveBroker(string clusterName, string brokerName, long brokerId, string brokerAddr)
    {
        if (!_brokerAddrTable.TryGetValue(brokerName, out var data)
            || !data.BrokerAddrs.TryGetValue(brokerId, out var registered)
            || registered != brokerAddr)
        {
            return;
        }

        data.BrokerAddrs.Remove(brokerId);
        data.GrpcAddrs?.Remove(brokerId);
        if (data.BrokerAddrs.Count > 0)
        {
            return;
        }

        _brokerAddrTable.Remove(brokerName);
        if (_clusterAddrTable.TryGetValue(clusterName, out var names))
        {
            names.Remove(brokerName);
            if (names.Count == 0)
            {
                _clusterAddrTable.Remove(clusterName);
            }
        }

        foreach (var queues in _topicQueueTable.Values)
        {
            queues.Remove(brokerName);
        }

        RemoveEmptyTopics();
    }

    private void RemoveEmptyTopics()
    {
        foreach (var topic in _topicQueueTable.Where(t => t.Value.Count == 0).Select(t => t.Key).ToList())
        {
            _topicQueueTable.Remove(topic);
        }
    }

    private static BrokerData Copy(BrokerData data) => data with
    {
        BrokerAddrs = new Dictionary<long, string>(data.BrokerAddrs),
        GrpcAddrs = data.GrpcAddrs is null ? null : new Dictionary<long, string>(data.GrpcAddrs),
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "New broker registered: {BrokerName} at {BrokerAddr} in cluster {Cluster} with {Topics} topics")]
    private partial void LogRegistered(string brokerName, string brokerAddr, string cluster, int topics);

    [LoggerMessage(Level = LogLevel.Information, Message = "Broker {BrokerName} at {BrokerAddr} unregistered")]
    private partial void LogUnregistered(string brokerName, string brokerAddr);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Broker {BrokerName} at {BrokerAddr} expired: not heard from for {Millis} ms; its routes are removed")]
    private partial void LogExpired(string brokerName, string brokerAddr, long millis);
}
