using System.Diagnostics;
using System.Globalization;
using Apache.Rocketmq.V2;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using RocketTax.RocketMQ.Client.Transport;

namespace RocketTax.Bench;

/// <summary>
/// Concurrent senders push messages to one broker as fast as it answers; after an unmeasured warm-up
/// (JIT tiering, first segment files) it measures throughput, latency and the broker's resources.
/// </summary>
public static class ProduceScenario
{
    private const string Topic = "bench-topic";

    public static async Task<ProduceResult> RunAsync(ProduceOptions options, CancellationToken cancellationToken)
    {
        await using var broker = options.Endpoint is null ? await BrokerLauncher.StartAsync(options, withNameServer: false, cancellationToken) : null;
        var endpoint = options.Endpoint ?? $"127.0.0.1:{broker!.GrpcPort}";

        // Several HTTP/2 connections, as several producer processes would open.
        var channels = Enumerable.Range(0, Math.Max(1, options.Senders / 16)).Select(_ => Channel(endpoint, options.GrpcClient == RocketMQ.Client.GrpcTransport.Native)).ToArray();
        try
        {
            var clients = channels.Select(c => new MessagingService.MessagingServiceClient(c.Invoker)).ToArray();
            var headers = new Metadata { { "x-mq-client-id", "bench@" + Environment.ProcessId }, { "x-mq-language", "DOT_NET" } };
            var route = await clients[0].QueryRouteAsync(new QueryRouteRequest { Topic = new Resource { Name = Topic } }, headers, cancellationToken: cancellationToken);
            if (route.Status.Code != Code.Ok)
            {
                throw new InvalidOperationException($"route query to {endpoint} failed: {route.Status.Message}");
            }

            var body = ByteString.CopyFrom(new byte[options.BodySize]);
            await ClosedLoop.WarmUpAsync(options, (total, timeBound) => SendAsync(clients, headers, body, options, total, timeBound, latencies: null, cancellationToken));
            var cpuBefore = CpuMark.Now(broker?.Resources);

            Console.Error.WriteLine($"measured: {options.Messages:N0} messages");
            var latencies = new long[options.Messages];
            var clock = Stopwatch.StartNew();
            var (sent, failed) = await SendAsync(clients, headers, body, options, options.Messages, options.MaxDuration, latencies, cancellationToken);
            var elapsed = clock.Elapsed;

            var measured = latencies.Where(l => l > 0).Order().ToArray();
            double Percentile(double p) => measured.Length == 0 ? 0 : measured[(int)Math.Min(measured.Length - 1, p * measured.Length)] * 1000.0 / Stopwatch.Frequency;
            var setting = $"{options.FlushDiskType}, {options.Senders} senders, {options.BodySize} B" + (options.Batch > 1 ? $", batch {options.Batch}" : string.Empty);
            return ProduceResult.Measured($"produce (raw gRPC{options.GrpcStackNote})", setting, sent, failed, elapsed, (Percentile(0.50), Percentile(0.99), Percentile(0.999)),
                broker?.Resources, cpuBefore);
        }
        finally
        {
            foreach (var channel in channels)
            {
                channel.Owner.Dispose();
            }
        }
    }

    /// <summary>
    /// The client's own HTTP/2 invoker (native), or a channel over an HTTP stack without what the load generator does not
    /// use (redirects, proxy, cookies) and, handed an HttpClient rather than a handler, without the gRPC client's load
    /// balancer in front of its one connection: the generator shares the broker's two cores, so what it spends per call
    /// is taken from the broker.
    /// </summary>
    private static (CallInvoker Invoker, IDisposable Owner) Channel(string endpoint, bool native)
    {
        if (native)
        {
            var colon = endpoint.LastIndexOf(':');
            var invoker = new Http2CallInvoker(endpoint[..colon], int.Parse(endpoint[(colon + 1)..], CultureInfo.InvariantCulture));
            return (invoker, invoker);
        }

        var channel = GrpcChannel.ForAddress($"http://{endpoint}", new GrpcChannelOptions
        {
            HttpClient = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false, UseCookies = false })
            {
                Timeout = Timeout.InfiniteTimeSpan,
            },
            DisposeHttpClient = true,
        });
        return (channel.CreateCallInvoker(), channel);
    }

    private static async Task<(long Sent, long Failed)> SendAsync(
        MessagingService.MessagingServiceClient[] clients, Metadata headers, ByteString body, ProduceOptions options, int total, TimeSpan timeBound, long[]? latencies,
        CancellationToken cancellationToken)
    {
        long next = -1, sent = 0, failed = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stop.CancelAfter(timeBound);
        var clock = Stopwatch.StartNew();
        using var progress = new Timer(
            _ => Console.Error.Write(ClosedLoop.Progress(Interlocked.Read(ref sent), total, clock.Elapsed)),
            null, 1000, 1000);

        var senders = Enumerable.Range(0, options.Senders).Select(async sender =>
        {
            var client = clients[sender % clients.Length];
            while (!stop.IsCancellationRequested)
            {
                var first = Interlocked.Add(ref next, options.Batch) - options.Batch + 1;
                if (first >= total)
                {
                    return;
                }

                var count = (int)Math.Min(options.Batch, total - first);
                var request = new SendMessageRequest();
                for (var m = 0; m < count; m++)
                {
                    request.Messages.Add(new Message
                    {
                        Topic = new Resource { Name = Topic },
                        Body = body,
                        SystemProperties = new SystemProperties
                        {
                            MessageId = MessageKeys.Next(),
                            Tag = "2021S1",
                            MessageType = MessageType.Normal,
                            BornTimestamp = Timestamp.FromDateTime(DateTime.UtcNow),
                            QueueId = (int)(first % 4),
                        },
                    });
                }

                var started = Stopwatch.GetTimestamp();
                try
                {
                    var response = await client.SendMessageAsync(request, headers, cancellationToken: stop.Token);
                    if (response.Status.Code != Code.Ok)
                    {
                        Interlocked.Add(ref failed, count);
                        continue;
                    }

                    if (latencies is not null)
                    {
                        Array.Fill(latencies, Stopwatch.GetTimestamp() - started, (int)first, count);
                    }

                    Interlocked.Add(ref sent, count);
                }
                catch (RpcException) when (stop.IsCancellationRequested)
                {
                    return;
                }
            }
        }).ToArray();
        await Task.WhenAll(senders);
        Console.Error.WriteLine();
        return (sent, failed);
    }
}
