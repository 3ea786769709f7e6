using System.Diagnostics;
using System.Net.Sockets;

namespace RocketTax.Tests;

/// <summary>
/// The graph with its cluster in containers. Needs a Docker daemon (DOCKER_HOST or /var/run/docker.sock) and an image
/// taking apache/rocketmq's commands (ROCKETTAX_ROCKETMQ_IMAGE, default rockettax/rocketmq:local, built from
/// deploy/docker). Without Docker it skips, saying why; with ROCKETTAX_REQUIRE_DOCKER=1 it fails instead.
/// </summary>
[Collection(nameof(GraphCollection))]
public sealed class ContainerGraphTests
{
    [Fact(Timeout = GraphFixture.TestTimeoutMs)]
    public async Task Seed_reports_reach_the_province_with_the_cluster_in_containers()
    {
        var ct = TestContext.Current.CancellationToken;
        if (await DockerUnreachableAsync(ct) is { } reason)
        {
            if (Environment.GetEnvironmentVariable("ROCKETTAX_REQUIRE_DOCKER") == "1")
            {
                Assert.Fail($"ROCKETTAX_REQUIRE_DOCKER=1 and {reason}");
            }

            Assert.Skip($"{reason}; set ROCKETTAX_REQUIRE_DOCKER=1 to fail instead");
        }

        var image = Environment.GetEnvironmentVariable("ROCKETTAX_ROCKETMQ_IMAGE") ?? "rockettax/rocketmq:local";
        var graph = await GraphFixture.StartAsync(ct, configure: null, "RocketMQ:Mode=Container", $"RocketMQ:Image={image}");
        var dataPath = graph.DataPath;
        await using (graph)
        {
            await graph.WaitAllHealthyAsync(ct);
            Assert.Equal(100, await graph.SendSeedReportsAsync(TimeSpan.FromSeconds(30), ct));
        }

        Assert.Empty(await ContainersMountingAsync(image, dataPath, ct));
    }

    [Fact(Timeout = GraphFixture.TestTimeoutMs)]
    public async Task Container_mode_without_Docker_fails_at_once_saying_what_to_do()
    {
        var ct = TestContext.Current.CancellationToken;
        var previous = Environment.GetEnvironmentVariable("DOCKER_HOST");
        Environment.SetEnvironmentVariable("DOCKER_HOST", $"unix://{Path.Combine(Path.GetTempPath(), "rockettax-no-docker.sock")}");
        try
        {
            var started = DateTime.UtcNow;
            var failure = await Assert.ThrowsAnyAsync<Exception>(async () =>
            {
                await using var graph = await GraphFixture.StartAsync(ct, configure: null, "RocketMQ:Mode=Container");
            });
            Assert.InRange(DateTime.UtcNow - started, TimeSpan.Zero, TimeSpan.FromSeconds(30));
            Assert.Contains("--rocketmq-mode embedded", failure.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable("DOCKER_HOST", previous);
        }
    }

    /// <summary>Containers of <paramref name="image"/>, running or not, that mount something under the graph's data path.</summary>
    private static async Task<IReadOnlyList<string>> ContainersMountingAsync(string image, string dataPath, CancellationToken cancellationToken)
    {
        var ids = await DockerAsync(["ps", "-aq", "--filter", $"ancestor={image}"], cancellationToken);
        var found = new List<string>();
        foreach (var id in ids.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var mounts = await DockerAsync(["inspect", "--format", "{{.Name}} {{range .Mounts}}{{.Source}} {{end}}", id], cancellationToken);
            if (mounts.Contains(dataPath, StringComparison.Ordinal))
            {
                found.Add(mounts.Trim());
            }
        }

        return found;
    }

    private static async Task<string> DockerAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("docker") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var docker = Process.Start(start) ?? throw new InvalidOperationException("docker did not start");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        var output = docker.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = docker.StandardError.ReadToEndAsync(timeout.Token);
        await docker.WaitForExitAsync(timeout.Token);
        return docker.ExitCode == 0
            ? await output
            : throw new InvalidOperationException($"docker {string.Join(' ', args)} failed ({docker.ExitCode}): {await error}");
    }

    private static async Task<string?> DockerUnreachableAsync(CancellationToken cancellationToken)
    {
        var host = Environment.GetEnvironmentVariable("DOCKER_HOST") ?? "unix:///var/run/docker.sock";
        if (!host.StartsWith("unix://", StringComparison.Ordinal))
        {
            return $"only unix:// Docker hosts are probed here, and DOCKER_HOST is {host}";
        }

        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(3));
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(host["unix://".Length..]), timeout.Token);
            return null;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return $"Docker is not reachable at {host} ({ex.Message})";
        }
    }
}
