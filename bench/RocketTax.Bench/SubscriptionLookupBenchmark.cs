using Apache.Rocketmq.V2;
using BenchmarkDotNet.Attributes;
using RocketTax.RocketMQ.Broker.Managers;
using RocketTax.RocketMQ.Remoting.Body;

namespace RocketTax.Bench;

/// <summary>
/// What finding a 4.x push consumer's subscription costs each of its pulls (which carry no expression), with 100 clients
/// online: the broker's per-group index against the scan of every online client it replaced (the same query over
/// <see cref="ClientManager.Online"/>, which is how the lookup was written before the index).
/// </summary>
[MemoryDiagnoser]
public class SubscriptionLookupBenchmark
{
    private const int Groups = 20;
    private const int ConsumersPerGroup = 4;
    private const int Producers = 100 - (Groups * ConsumersPerGroup);
    private const string Group = "group-7";
    private const string Topic = "topic-7-b";

    private readonly ClientManager _clients = new(TimeProvider.System);

    [GlobalSetup]
    public void ConnectClients()
    {
        for (var group = 0; group < Groups; group++)
        {
            for (var consumer = 0; consumer < ConsumersPerGroup; consumer++)
            {
                _clients.Touch(new ConnectedClient($"10.0.{group}.{consumer}@{consumer}", ClientType.PushConsumer, $"group-{group}", "JAVA", default)
                {
                    Subscriptions = [new SubscriptionData($"topic-{group}-a", "*"), new SubscriptionData($"topic-{group}-b", "2021S1 || 2021S2", "TAG")],
                });
            }
        }

        for (var producer = 0; producer < Producers; producer++)
        {
            _clients.Touch($"10.1.0.{producer}@{producer}", ClientType.Producer, "city-tax-producer", "JAVA");
        }
    }

    [Benchmark(Baseline = true, Description = "scan of the online clients (before)")]
    public SubscriptionData? Scan() => _clients.Online()
        .Where(client => client.Type != ClientType.Producer && client.Group == Group)
        .OrderByDescending(client => client.LastSeen)
        .SelectMany(client => client.Subscriptions)
        .FirstOrDefault(subscription => subscription.Topic == Topic);

    [Benchmark(Description = "ClientManager.Subscription, per-group index")]
    public SubscriptionData? Index() => _clients.Subscription(Group, Topic);

    /// <summary>Runs the benchmark in this process and prints BenchmarkDotNet's table (time and allocated bytes per lookup).</summary>
    public static void Run(string artifactsPath) => InProcessBenchmark.Run<SubscriptionLookupBenchmark>(artifactsPath);
}
