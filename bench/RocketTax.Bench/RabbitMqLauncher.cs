using System.Diagnostics;
using System.Globalization;

namespace RocketTax.Bench;

/// <summary>
/// Starts Debian's RabbitMQ by hand (no service manager): its own <c>epmd</c> on a free port, then the node with
/// its AMQP and distribution ports free, and its config, database, logs and Erlang cookie in a temp directory,
/// so it neither needs nor disturbs a system-wide RabbitMQ. Both are stopped by pid.
/// </summary>
public sealed class RabbitMqLauncher : IAsyncDisposable
{
    /// <summary>The node's start script, run directly: the wrapper on the PATH would switch to the rabbitmq user.</summary>
    private const string ServerScript = "/usr/lib/rabbitmq/bin/rabbitmq-server";

    private readonly ServerProcess _epmd;
    private readonly ServerProcess _node;

    private RabbitMqLauncher(ServerProcess epmd, ServerProcess node, int amqpPort)
    {
        _epmd = epmd;
        _node = node;
        AmqpPort = amqpPort;
    }

    public int AmqpPort { get; }

    /// <summary>The Erlang VM's: the start script execs into it, so the started pid is the node's.</summary>
    public ProcessResources Resources => _node.Resources;

    public static async Task<RabbitMqLauncher> StartAsync(CancellationToken cancellationToken)
    {
        var home = Directory.CreateTempSubdirectory("rockettax-bench-rabbitmq-").FullName;
        var epmdPort = LoopbackPorts.Free();
        // In the foreground (no -daemon) so its pid is ours to stop; -d makes it say when it listens.
        var epmd = await ServerProcess.StartAsync(
            "epmd", new ProcessStartInfo("epmd") { ArgumentList = { "-port", epmdPort.ToString(CultureInfo.InvariantCulture), "-d" } },
            home: null, "epmd running", TimeSpan.FromSeconds(30), cancellationToken, echoErrors: false);
        try
        {
            var amqpPort = LoopbackPorts.Free();
            var config = Path.Combine(home, "rabbitmq.conf");
            File.WriteAllText(config, """
                log.console = true
                log.file = false
                disk_free_limit.absolute = 50MB
                """);
            File.WriteAllText(Path.Combine(home, "enabled_plugins"), "[].");
            var start = new ProcessStartInfo(ServerScript)
            {
                Environment =
                {
                    ["HOME"] = home,
                    ["ERL_EPMD_PORT"] = epmdPort.ToString(CultureInfo.InvariantCulture),
                    ["RABBITMQ_NODENAME"] = "rockettax-bench@localhost",
                    ["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1",
                    ["RABBITMQ_NODE_PORT"] = amqpPort.ToString(CultureInfo.InvariantCulture),
                    ["RABBITMQ_DIST_PORT"] = LoopbackPorts.Free().ToString(CultureInfo.InvariantCulture),
                    ["RABBITMQ_CONFIG_FILE"] = config,
                    ["RABBITMQ_ADVANCED_CONFIG_FILE"] = Path.Combine(home, "advanced.config"),
                    ["RABBITMQ_CONF_ENV_FILE"] = Path.Combine(home, "rabbitmq-env.conf"),
                    ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(home, "enabled_plugins"),
                    ["RABBITMQ_MNESIA_BASE"] = Path.Combine(home, "mnesia"),
                    ["RABBITMQ_LOG_BASE"] = Path.Combine(home, "log"),
                    ["RABBITMQ_LOGS"] = "-",
                    ["RABBITMQ_PID_FILE"] = Path.Combine(home, "rabbitmq.pid"),
                    // Exec the VM in place of the script (no signal-forwarding shell in between), without an Erlang shell.
                    ["RABBITMQ_ALLOW_INPUT"] = "true",
                    ["RABBITMQ_SERVER_START_ARGS"] = "-noinput",
                    // The epmd above is the node's; the VM must not start a daemon of its own that would outlive the run.
                    ["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = "-start_epmd false",
                },
            };
            var node = await ServerProcess.StartAsync("rabbitmq-server", start, home, "Server startup complete", TimeSpan.FromMinutes(3), cancellationToken);
            return new RabbitMqLauncher(epmd, node, amqpPort);
        }
        catch
        {
            await epmd.DisposeAsync();
            if (Directory.Exists(home))
            {
                Directory.Delete(home, recursive: true);
            }

            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _node.DisposeAsync();
        await _epmd.DisposeAsync();
    }
}
