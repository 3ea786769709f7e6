using System.Globalization;
using RocketTax.RocketMQ.Client;

namespace RocketTax.Bench;

/// <summary>
/// <c>dotnet run -c Release --project bench/RocketTax.Bench -- &lt;scenario&gt; [--flush ASYNC_FLUSH|SYNC_FLUSH]
/// [--senders 64] [--messages 200000] [--size 1024] [--seconds 60] [--rate 5000]</c>
/// </summary>
public static class BenchCommandLine
{
    private const string Usage = """
        usage: RocketTax.Bench <scenario> [options]

        scenarios:
          produce          raw gRPC sends, closed loop (the broker's capacity)
          remoting-produce the same over RocketMQ's remoting protocol (SEND_MESSAGE_V2; SEND_BATCH_MESSAGE with --batch), as 4.x producers send
          client-produce   sends through RocketTax.RocketMQ.Client, closed loop
          client-latency   sends through the client at --rate msg/s for --seconds; latency from when each was due
          e2e              --rate msg/s for --seconds through the client to a push consumer's handler
          consume          a push consumer drains a backlog of --messages
          fifo-consume     an orderly push consumer drains a FIFO backlog of --messages (8 queues, a message group per sender)
          delay-burst      --messages delayed messages all due at once: broker RSS while pending, delivery rate when due
          alloc            BenchmarkDotNet: time and bytes allocated per Producer.SendAsync (memory diagnoser)
          subscription-lookup BenchmarkDotNet: a 4.x pull's subscription lookup among 100 online clients, index vs. scan
          apphost-start    `dotnet run` of the AppHost to the whole graph healthy, --runs times (default 3), from the repository root;
                           with --image IMAGE the cluster runs in containers of that image (Docker, the image built)
          nats-produce     the produce run against nats-server with JetStream (file storage), publish acks awaited; with
                           --flush SYNC_FLUSH an fsync before each ack (sync_interval: always, nats-server 2.10 or later:
                           bench/peers/fetch-nats-server.sh fetches it, or set ROCKETTAX_NATS_SERVER)
          rabbitmq-produce the produce run against rabbitmq-server (quorum queue, persistent messages), confirms awaited
          compare          produce and remoting-produce (JSON, ROCKETMQ) at ASYNC_FLUSH then nats-produce, both at SYNC_FLUSH then
                           rabbitmq-produce and nats-produce --flush SYNC_FLUSH (said and left out without nats-server 2.10);
                           writes compare.md
          matrix           every target's scenario in one run (about 10 minutes): produce by senders (1, 16, 64), batch,
                           flush type and size (100 B, 16 KiB) over remoting and gRPC, client-latency at --rate / 5, --rate
                           and 4 x --rate, e2e at the first two, consume of a 5 x --messages backlog; writes matrix.md

        options:
          --flush ASYNC_FLUSH|SYNC_FLUSH   broker flushDiskType (default ASYNC_FLUSH)
          --grpc-transport native|kestrel  the broker's grpcTransport (default native)
          --senders N                      concurrent senders (default 64)
          --serialize JSON|ROCKETMQ        remoting-produce: the header's serialize type (default JSON, as 4.x producers)
          --messages N                     messages to send in all (default 200000)
          --batch N                        messages per send request (default 1)
          --warmup N                       unmeasured messages sent first (default 50000)
          --warmup-seconds N               closed-loop runs warm up for at least N seconds, paced runs for N seconds at
                                           --rate after --warmup (default 10), so a fresh broker's JIT has settled first
          --size BYTES                     body size (default 1024)
          --seconds N                      time bound of a run; length of the paced runs (default 60)
          --rate N                         offered load of client-latency and e2e (default 5000)
          --grpc-client native|grpc-net    the senders' and consumers' gRPC client: the client's own HTTP/2 invoker
                                           (default) or Grpc.Net.Client
          --endpoint HOST:PORT             measure a running broker instead of starting one (resources are then not read)
          --out DIR                        where results go (default bench/results)
        """;

    private static string? Option(string[] args, string name) =>
        Array.IndexOf(args, name) is var at and >= 0 && at + 1 < args.Length ? args[at + 1] : null;

    public static async Task<int> RunAsync(string[] args)
    {
        if (args is ["alloc", ..])
        {
            SendAllocationBenchmark.Run(Path.Combine("bench", "results", "BenchmarkDotNet"));
            return 0;
        }

        if (args is ["subscription-lookup", ..])
        {
            SubscriptionLookupBenchmark.Run(Path.Combine("bench", "results", "BenchmarkDotNet"));
            return 0;
        }

        if (args is ["apphost-start", ..])
        {
            var runs = Option(args, "--runs") is { } n && int.TryParse(n, CultureInfo.InvariantCulture, out var parsed) && parsed > 0 ? parsed : 3;
            using var stop = CancelOnCtrlC();
            return await AppHostStartBenchmark.RunAsync(runs, Option(args, "--image"), Path.Combine("bench", "results"), stop.Token);
        }

        Func<ProduceOptions, CancellationToken, Task<IReadOnlyList<ProduceResult>>>? scenario = args.Length == 0 ? null : args[0] switch
        {
            "produce" => One(ProduceScenario.RunAsync),
            "client-produce" => One(ClientScenarios.ProduceAsync),
            "client-latency" => One(ClientScenarios.SendLatencyAsync),
            "e2e" => One(ClientScenarios.EndToEndAsync),
            "consume" => One(ClientScenarios.ConsumeBacklogAsync),
            "fifo-consume" => One(MessageTypeScenarios.FifoConsumeAsync),
            "delay-burst" => One(MessageTypeScenarios.DelayBurstAsync),
            "remoting-produce" => One(RemotingProduceScenario.RunAsync),
            "nats-produce" => One(NatsProduceScenario.RunAsync),
            "rabbitmq-produce" => One(RabbitMqProduceScenario.RunAsync),
            "compare" => PeerComparison.RunAsync,
            "matrix" => ScenarioMatrix.RunAsync,
            _ => null,
        };
        if (scenario is null)
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }

        var options = new ProduceOptions();
        for (var i = 1; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--flush" when value is "ASYNC_FLUSH" or "SYNC_FLUSH":
                    options = options with { FlushDiskType = value };
                    break;
                case "--grpc-transport" when value is "kestrel" or "native":
                    options = options with { GrpcTransport = value };
                    break;
                case "--serialize" when value is "JSON" or "ROCKETMQ":
                    options = options with { SerializeType = value };
                    break;
                case "--senders" when int.TryParse(value, CultureInfo.InvariantCulture, out var senders) && senders > 0:
                    options = options with { Senders = senders };
                    break;
                case "--messages" when int.TryParse(value, CultureInfo.InvariantCulture, out var messages) && messages > 0:
                    options = options with { Messages = messages };
                    break;
                case "--batch" when int.TryParse(value, CultureInfo.InvariantCulture, out var batch) && batch is > 0 and <= 1024:
                    options = options with { Batch = batch };
                    break;
                case "--warmup" when int.TryParse(value, CultureInfo.InvariantCulture, out var warmup) && warmup >= 0:
                    options = options with { Warmup = warmup };
                    break;
                case "--warmup-seconds" when int.TryParse(value, CultureInfo.InvariantCulture, out var warmupSeconds) && warmupSeconds >= 0:
                    options = options with { WarmupTime = TimeSpan.FromSeconds(warmupSeconds) };
                    break;
                case "--size" when int.TryParse(value, CultureInfo.InvariantCulture, out var size) && size > 0:
                    options = options with { BodySize = size };
                    break;
                case "--seconds" when int.TryParse(value, CultureInfo.InvariantCulture, out var seconds) && seconds > 0:
                    options = options with { MaxDuration = TimeSpan.FromSeconds(seconds) };
                    break;
                case "--rate" when int.TryParse(value, CultureInfo.InvariantCulture, out var rate) && rate > 0:
                    options = options with { Rate = rate };
                    break;
                case "--grpc-client" when value is "grpc-net" or "native":
                    options = options with { GrpcClient = value == "native" ? GrpcTransport.Native : GrpcTransport.GrpcNetClient };
                    break;
                case "--endpoint" when value is not null && value.Contains(':'):
                    options = options with { Endpoint = value };
                    break;
                case "--out" when value is not null:
                    options = options with { OutputDirectory = value };
                    break;
                default:
                    Console.Error.WriteLine($"bad option '{args[i]}' or value '{value}'\n{Usage}");
                    return 2;
            }

            i++;
        }

        using var cancel = CancelOnCtrlC();
        IReadOnlyList<ProduceResult> results;
        try
        {
            results = await scenario(options, cancel.Token);
        }
        catch (PeerUnavailableException e)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }

        foreach (var result in results)
        {
            Console.WriteLine(result.ToMarkdownRow());
            ResultWriter.Append(options.OutputDirectory, result);
        }

        return 0;
    }

    /// <summary>Ctrl+C ends the run through its token, so that what it started is stopped and cleaned up.</summary>
    private static CancellationTokenSource CancelOnCtrlC()
    {
        var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        return cancel;
    }

    private static Func<ProduceOptions, CancellationToken, Task<IReadOnlyList<ProduceResult>>> One(Func<ProduceOptions, CancellationToken, Task<ProduceResult>> scenario) =>
        async (options, cancellationToken) => [await scenario(options, cancellationToken)];
}
