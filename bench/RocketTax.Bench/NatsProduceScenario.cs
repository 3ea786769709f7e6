using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace RocketTax.Bench;

/// <summary>
/// The produce scenario against NATS JetStream: each sender publishes to a file-stored stream and awaits its
/// publish ack, as ours await each send's answer. At <c>SYNC_FLUSH</c> JetStream fsyncs each write before the ack
/// (<c>sync_interval: always</c>); at <c>ASYNC_FLUSH</c> it leaves the fsync to its background interval.
/// </summary>
public static class NatsProduceScenario
{
    private const string Subject = "bench.produce";

    /// <exception cref="PeerUnavailableException">No nats-server is found, or at <c>SYNC_FLUSH</c> only one before 2.10.</exception>
    public static async Task<ProduceResult> RunAsync(ProduceOptions options, CancellationToken cancellationToken)
    {
        var syncWrites = options.FlushDiskType == "SYNC_FLUSH";
        var binary = await NatsServerBinary.FindAsync(syncWrites, cancellationToken);
        await using var nats = await NatsLauncher.StartAsync(binary, syncWrites, cancellationToken);
        // Several connections, as several producer processes would open (ours opens one per 16 senders too).
        var connections = Enumerable.Range(0, Math.Max(1, options.Senders / 16)).Select(_ => new NatsConnection(new NatsOpts { Url = nats.Url })).ToArray();
        try
        {
            var streams = connections.Select(c => new NatsJSContext(c)).ToArray();
            await streams[0].CreateStreamAsync(new StreamConfig("bench", [Subject]) { Storage = StreamConfigStorage.File }, cancellationToken);
            var body = new byte[options.BodySize];
            return await ClosedLoop.MeasureAsync(
                "produce (NATS JetStream)",
                $"nats-server {binary.Version}, file storage, {(syncWrites ? "fsync before each ack (sync_interval: always)" : "no fsync per message")}, {options.Senders} senders, {options.BodySize} B", options, nats.Resources,
                async (sender, token) =>
                {
                    try
                    {
                        var ack = await streams[sender % streams.Length].PublishAsync(Subject, body, cancellationToken: token);
                        return ack.Error is null;
                    }
                    catch (NatsJSException)
                    {
                        return false;
                    }
                },
                cancellationToken);
        }
        finally
        {
            foreach (var connection in connections)
            {
                await connection.DisposeAsync();
            }
        }
    }
}
