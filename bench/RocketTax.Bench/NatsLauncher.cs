using System.Diagnostics;

namespace RocketTax.Bench;

/// <summary>
/// Starts Debian's <c>nats-server</c> with JetStream on file storage in a temp directory and a free loopback port.
/// JetStream before 2.10 has no <c>sync_interval</c>: it writes each message to the OS and fsyncs later, in the
/// background, which matches our <c>ASYNC_FLUSH</c>.
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

    public static async Task<NatsLauncher> StartAsync(CancellationToken cancellationToken)
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
            }
            """);
        var start = new ProcessStartInfo("nats-server") { ArgumentList = { "-c", config } };
        var server = await ServerProcess.StartAsync("nats-server", start, home, "Server is ready", TimeSpan.FromSeconds(30), cancellationToken, echoErrors: false);
        return new NatsLauncher(server, port);
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
