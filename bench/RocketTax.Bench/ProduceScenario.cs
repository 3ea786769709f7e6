using System.Diagnostics;
using Apache.Rocketmq.V2;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;

namespace RocketTax.Bench;

/// <summary>Concurrent senders push messages to one broker as fast as it answers; measures throughput, latency and broker resources.</summary>
public static class ProduceScenario
{
    private const string Topic = "bench-topic";

    public static async Task<ProduceResult> RunAsync(ProduceOptions options, CancellationToken cancellationToken)
    {
        await using var broker = await BrokerLauncher.StartAsync(options.FlushDiskType, cancellationToken);
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{broker.GrpcPort}", new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true },
        });
        var client = new MessagingService.MessagingServiceClient(channel);
        var headers = new Metadata { { "x-mq-client-id", "bench@" + Environment.ProcessId }, { "x-mq-language", "DOT_NET" } };
        var route = await client.QueryRouteAsync(new QueryRouteRequest { Topic = new Resource { Name = Topic } }, headers, cancellationToken: cancellationToken);
        if (route.Status.Code != Code.Ok)
        {
            throw new InvalidOperationException($"route query failed: {route.Status.Message}");
        }

        var body = ByteString.CopyFrom(new byte[options.BodySize]);
        var latencies = new long[options.Messages];
        long next = -1, sent = 0, failed = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stop.CancelAfter(options.MaxDuration);
        var clock = Stopwatch.StartNew();
        using var progress = new Timer(_ => Console.Error.Write($"\r  sent {Interlocked.Read(ref sent):N0} / {options.Messages:N0} ({Interlocked.Read(ref sent) / clock.Elapsed.TotalSeconds:N0} msg/s)   "), null, 1000, 1000);

        var senders = Enumerable.Range(0, options.Senders).Select(async _ =>
        {
            while (!stop.IsCancellationRequested)
            {
                var index = Interlocked.Increment(ref next);
                if (index >= options.Messages)
                {
                    return;
                }

                var request = new SendMessageRequest
                {
                    Messages =
                    {
                        new Message
                        {
                            Topic = new Resource { Name = Topic },
                            Body = body,
                            SystemProperties = new SystemProperties
                            {
                                MessageId = Guid.NewGuid().ToString("N"),
                                Tag = "2021S1",
                                MessageType = MessageType.Normal,
                                BornTimestamp = Timestamp.FromDateTime(DateTime.UtcNow),
                                QueueId = (int)(index % 4),
                            },
                        },
                    },
                };
                var started = Stopwatch.GetTimestamp();
                try
                {
                    var response = await client.SendMessageAsync(request, headers, cancellationToken: stop.Token);
                    if (response.Status.Code == Code.Ok)
                    {
                        latencies[index] = Stopwatch.GetTimestamp() - started;
                        Interlocked.Increment(ref sent);
                    }
                    else
                    {
                        Interlocked.Increment(ref failed);
                    }
                }
                catch (RpcException) when (stop.IsCancellationRequested)
                {
                    return;
                }
            }
        }).ToArray();
        await Task.WhenAll(senders);
        var elapsed = clock.Elapsed;
        Console.Error.WriteLine();

        var measured = latencies.Where(l => l > 0).Order().ToArray();
        double Percentile(double p) => measured.Length == 0 ? 0 : measured[(int)Math.Min(measured.Length - 1, p * measured.Length)] * 1000.0 / Stopwatch.Frequency;
        return new ProduceResult(options, sent, failed, elapsed, Percentile(0.50), Percentile(0.99), Percentile(0.999),
            broker.PeakRssBytes(), broker.CpuSeconds(), DateTimeOffset.UtcNow);
    }
}
