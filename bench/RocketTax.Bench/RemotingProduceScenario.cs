using RocketTax.RocketMQ.Remoting;
using RocketTax.RocketMQ.Remoting.Messages;

namespace RocketTax.Bench;

/// <summary>
/// The produce scenario over RocketMQ's remoting protocol, the way 4.x producers and RocketMQ's <c>producer.sh</c>
/// send: <c>SEND_MESSAGE_V2</c> (or <c>SEND_BATCH_MESSAGE</c> with <c>--batch</c>) on TCP connections that carry
/// many sends at once, each sender awaiting its answer before the next.
/// </summary>
public static class RemotingProduceScenario
{
    private const string Topic = "bench-topic";
    private static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(3);

    public static async Task<ProduceResult> RunAsync(ProduceOptions options, CancellationToken cancellationToken)
    {
        await using var broker = await BrokerLauncher.StartAsync(options, withNameServer: false, cancellationToken);
        // One connection per client, several clients, as several producer processes would open (one per 16 senders, as the other scenarios).
        var clients = Enumerable.Range(0, Math.Max(1, options.Senders / 16)).Select(_ => new RemotingClient()).ToArray();
        try
        {
            var body = new byte[options.BodySize];
            var setting = $"{options.FlushDiskType}, {options.Senders} senders, {options.BodySize} B, {options.SerializeType} headers" + (options.Batch > 1 ? $", batch {options.Batch}" : string.Empty);
            var sends = 0L;
            // The closed loop counts sends; a send carries --batch messages.
            var result = await ClosedLoop.MeasureAsync("produce (remoting)", setting,
                options with { Messages = Math.Max(1, options.Messages / options.Batch), Warmup = options.Warmup / options.Batch }, broker.Resources,
                async (sender, token) =>
                {
                    var request = Request(Interlocked.Increment(ref sends), options.Batch, body);
                    request.SerializeTypeCurrentRpc = options.SerializeType;
                    var answer = await clients[sender % clients.Length].InvokeAsync(broker.RemotingAddress, request, SendTimeout, token);
                    return answer.Code == ResponseCode.Success;
                },
                cancellationToken);
            return result with { Count = result.Count * options.Batch, Failed = result.Failed * options.Batch };
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    /// <summary>A send of <paramref name="count"/> messages with fresh ids, spread over the topic's queues as a producer's round robin does.</summary>
    private static RemotingCommand Request(long send, int count, byte[] body)
    {
        var header = new SendMessageHeader("bench-producer", Topic, (int)(send % 4), 0, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), 0, null, 0);
        if (count == 1)
        {
            // Built directly: Request() would copy the fields, and the load generator's CPU is the broker's too.
            return new RemotingCommand { Code = RequestCode.SendMessageV2, ExtFields = (header with { Properties = Properties() }).ToShortFields(), Body = body };
        }

        var messages = Enumerable.Range(0, count).Select(_ => new BatchMessage(0, body, Properties())).ToArray();
        return RemotingCommand.Request(RequestCode.SendBatchMessage, header.ToShortFields(batch: true), MessageBatchCodec.Encode(messages));
    }

    private static string Properties() => MessagePropertiesCodec.Encode([new("UNIQ_KEY", MessageKeys.Next()), new("TAGS", "2021S1"), new("WAIT", "true")]);
}
