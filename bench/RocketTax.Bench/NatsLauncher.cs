using System.Diagnostics;

namespace RocketTax.Bench;

/// <summary>
/// Starts <c>nats-server</c> (see <see cref="NatsServerBinary"/>) with JetStream on file storage in a temp directory
/// and a free loopback port. By default JetStream writes each message to the OS and fsyncs later, in the background,
/// which matches our <c>ASYNC_FLUSH</c>; with sync writes (<c>sync_interval: always</c>, 2.10 and later) it fsyncs
/// each write before the publish ack, which matches our <c>SYNC_FLUSH</c>.
/// </summary>
public sealed class NatsLauncher : IAsyncDisposable
{
    private readonly ServerProcess _server;

    private NatsLauncher(ServerProcess server, int port)
    {
        _server = server;
        Url = $"nats://127.0.0.1:{port}";
    }

    public string Url { get; }

    public ProcessResources Resources => _server.Resources;

    /// <param name="binary">Found with <c>syncWrites</c> when <paramref name="syncWrites"/> is set, so it is 2.10 or later.</param>
    public static async Task<NatsLauncher> StartAsync(NatsServerBinary binary, bool syncWrites, CancellationToken cancellationToken)
    {
        var home = Directory.CreateTempSubdirectory("rockettax-bench-nats-").FullName;
        var port = LoopbackPorts.Free();
        var config = Path.Combine(home, "nats-server.conf");
        File.WriteAllText(config, $$"""
            listen: "127.0.0.1:{{port}}"
            server_name: "rockettax-bench"
            jetstream {
              store_dir: "{{home}}"
              max_memory_store: 256MB
              max_file_store: 16GB
              {{(syncWrites ? "sync_interval: always" : string.Empty)}}
            }
            """);
        var start = new ProcessStartInfo(binary.Path) { ArgumentList = { "-c", config } };
        var server = await ServerProcess.StartAsync("nats-server", start, home, "Server is ready", TimeSpan.FromSeconds(30), cancellationToken, echoErrors: false);
        return new NatsLauncher(server, port);
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
