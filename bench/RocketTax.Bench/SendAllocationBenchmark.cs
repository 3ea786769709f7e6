using BenchmarkDotNet.Attributes;
using RocketTax.RocketMQ.Client;

namespace RocketTax.Bench;

/// <summary>
/// What one <see cref="Producer.SendAsync"/> costs the client in time and allocations, against a real broker
/// (BenchmarkDotNet's memory diagnoser; in process, so the broker executable beside the bench is found).
/// </summary>
[MemoryDiagnoser]
public class SendAllocationBenchmark
{
    private const string Topic = "alloc-topic";

    private readonly byte[] _body = new byte[1024];
    private BrokerLauncher? _broker;
    private Producer? _producer;

    [GlobalSetup]
    public async Task StartAsync()
    {
        _broker = await BrokerLauncher.StartAsync("ASYNC_FLUSH", CancellationToken.None);
        _producer = new Producer(new ProducerOptions { Endpoints = $"127.0.0.1:{_broker.GrpcPort}", Topics = [Topic] });
        await _producer.StartAsync();
    }

    [Benchmark(Description = "Producer.SendAsync, 1 KiB")]
    public Task<SendReceipt> SendAsync() => _producer!.SendAsync(new Message(Topic, _body) { Tag = "2021S1", Keys = ["report-1"] });

    [GlobalCleanup]
    public async Task StopAsync()
    {
        await _producer!.DisposeAsync();
        await _broker!.DisposeAsync();
    }

    /// <summary>Runs the benchmark in this process and prints BenchmarkDotNet's table (time and allocated bytes per send).</summary>
    public static void Run(string artifactsPath) => InProcessBenchmark.Run<SendAllocationBenchmark>(artifactsPath);
}
