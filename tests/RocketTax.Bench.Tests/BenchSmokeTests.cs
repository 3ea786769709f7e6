using System.Runtime.Versioning;
using System.Text.Json;

namespace RocketTax.Bench.Tests;

/// <summary>
/// Every bench scenario, run for a few seconds against real processes: each must finish, count what it was
/// asked to send or deliver with no failure, and write its JSON row, the Markdown table and the chart.
/// The figures of such short runs mean nothing; the README's come from full runs.
/// </summary>
public sealed class BenchSmokeTests : IDisposable
{
    private const string NatsServer = "/usr/sbin/nats-server";
    private const string RabbitMqServer = "/usr/lib/rabbitmq/bin/rabbitmq-server";

    private readonly string _out = Directory.CreateTempSubdirectory("rockettax-bench-smoke-").FullName;

    public static TheoryData<string, long> OurScenarios => new()
    {
        { "produce --flush ASYNC_FLUSH --messages 3000 --warmup 300 --warmup-seconds 1 --senders 16", 3_000 },
        { "produce --flush SYNC_FLUSH --messages 2000 --warmup 200 --warmup-seconds 0 --senders 16 --batch 4", 2_000 },
        { "remoting-produce --messages 3000 --warmup 300 --warmup-seconds 1 --senders 16", 3_000 },
        { "remoting-produce --flush SYNC_FLUSH --serialize ROCKETMQ --messages 2000 --warmup 200 --warmup-seconds 0 --senders 16 --batch 4", 2_000 },
        { "client-produce --messages 2000 --warmup 200 --warmup-seconds 0 --senders 8", 2_000 },
        { "client-latency --rate 500 --seconds 2 --warmup 200 --warmup-seconds 1", 1_000 },
        { "e2e --rate 200 --seconds 2 --warmup 200 --warmup-seconds 1", 400 },
        { "consume --messages 2000 --senders 8", 2_000 },
        { "fifo-consume --messages 2000 --senders 8", 2_000 },
        // All are due 10 s after the first send and must be stored by then: 2,000 took longer on a loaded 2-core machine.
        { "delay-burst --messages 500 --senders 8", 500 },
    };

    [Theory(Timeout = 180_000)]
    [MemberData(nameof(OurScenarios))]
    public async Task Scenario_runs_to_the_end_and_writes_its_results(string arguments, long expectedCount) =>
        await RunAndCheckAsync(arguments, expectedCount);

    [Theory(Timeout = 300_000)]
    [InlineData("nats-produce --messages 2000 --warmup 200 --warmup-seconds 0 --senders 16", NatsServer)]
    [InlineData("rabbitmq-produce --messages 2000 --warmup 200 --warmup-seconds 0 --senders 16", RabbitMqServer)]
    public async Task Peer_scenario_runs_to_the_end_and_writes_its_results(string arguments, string server)
    {
        Assert.SkipUnless(File.Exists(server), $"{server} is not installed (Debian package {Path.GetFileName(server)}); the peer comparison needs it.");
        await RunAndCheckAsync(arguments, 2_000);
    }

    [Fact(Timeout = 600_000)]
    public async Task Matrix_runs_every_target_scenario_and_writes_a_row_for_each()
    {
        Assert.Equal(0, await BenchCommandLine.RunAsync(
            ["matrix", "--messages", "2000", "--warmup", "200", "--warmup-seconds", "0", "--seconds", "2", "--rate", "250", "--out", _out]));

        var results = (await File.ReadAllLinesAsync(Path.Combine(_out, "results.jsonl"), TestContext.Current.CancellationToken))
            .Where(line => line.Length > 0)
            .Select(line => JsonSerializer.Deserialize<ProduceResult>(line)!)
            .ToArray();
        // Produce: 3 sender counts, then SYNC_FLUSH, two batched and two sizes, each over remoting and gRPC; 3 paced loads, 2 end to end, the backlog.
        Assert.Equal(6 + 10 + 3 + 2 + 1, results.Length);
        Assert.All(results, result => Assert.True(result.Count > 0 && result.Failed == 0, result.ToMarkdownRow()));
        Assert.Equal([50, 250, 1_000], results.Where(r => r.Scenario.StartsWith("send latency", StringComparison.Ordinal)).Select(r => r.Count / 2));
        Assert.Equal(10_000, results[^1].Count);
        var table = await File.ReadAllLinesAsync(Path.Combine(_out, "matrix.md"), TestContext.Current.CancellationToken);
        Assert.Equal(2 + results.Length, table.Count(line => line.StartsWith('|')));
    }

    /// <summary>Skips without nats-server 2.10, saying how to fetch it, or fails under ROCKETTAX_REQUIRE_NATS_SYNC=1 (as CI sets it).</summary>
    [Fact(Timeout = 300_000)]
    public async Task Nats_produce_at_SYNC_FLUSH_runs_JetStream_with_an_fsync_before_each_ack()
    {
        try
        {
            await NatsServerBinary.FindAsync(syncWrites: true, TestContext.Current.CancellationToken);
        }
        catch (PeerUnavailableException e)
        {
            if (Environment.GetEnvironmentVariable("ROCKETTAX_REQUIRE_NATS_SYNC") == "1")
            {
                Assert.Fail($"ROCKETTAX_REQUIRE_NATS_SYNC=1 and {e.Message}");
            }

            Assert.Skip($"{e.Message} Set ROCKETTAX_REQUIRE_NATS_SYNC=1 to fail instead of skipping.");
        }

        var result = await RunAndCheckAsync("nats-produce --flush SYNC_FLUSH --messages 2000 --warmup 200 --warmup-seconds 0 --senders 16", 2_000);
        Assert.Contains("sync_interval: always", result.Setting, StringComparison.Ordinal);
    }

    [Fact(Timeout = 30_000)]
    [UnsupportedOSPlatform("windows")]
    public async Task Nats_produce_at_SYNC_FLUSH_refuses_a_server_before_2_10_saying_how_to_fetch_one_and_exits_2_and_one_it_cannot_run_is_said_so()
    {
        // A stand-in that answers --version as Debian bookworm's nats-server does; it is never started as a server.
        var old = Path.Combine(_out, "nats-server");
        await File.WriteAllTextAsync(old, "#!/bin/sh\necho 'nats-server: v2.9.10'\n", TestContext.Current.CancellationToken);
        File.SetUnixFileMode(old, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var before = Environment.GetEnvironmentVariable(NatsServerBinary.PathVariable);
        Environment.SetEnvironmentVariable(NatsServerBinary.PathVariable, old);
        try
        {
            var refusal = await Assert.ThrowsAsync<PeerUnavailableException>(
                () => NatsServerBinary.FindAsync(syncWrites: true, TestContext.Current.CancellationToken));
            Assert.Contains("2.9.10", refusal.Message, StringComparison.Ordinal);
            Assert.Contains("no sync_interval", refusal.Message, StringComparison.Ordinal);
            Assert.Contains("bench/peers/fetch-nats-server.sh", refusal.Message, StringComparison.Ordinal);
            Assert.Equal(new Version(2, 9, 10), (await NatsServerBinary.FindAsync(syncWrites: false, TestContext.Current.CancellationToken)).Version);

            Assert.Equal(2, await BenchCommandLine.RunAsync(["nats-produce", "--flush", "SYNC_FLUSH", "--messages", "100", "--out", _out]));
            Assert.False(File.Exists(Path.Combine(_out, "results.jsonl")));

            File.SetUnixFileMode(old, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            var notRunnable = await Assert.ThrowsAsync<PeerUnavailableException>(
                () => NatsServerBinary.FindAsync(syncWrites: false, TestContext.Current.CancellationToken));
            Assert.Contains($"could not run {old}", notRunnable.Message, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable(NatsServerBinary.PathVariable, before);
        }
    }

    [Fact(Timeout = 30_000)]
    public async Task Unknown_scenario_or_bad_option_exits_2_without_results()
    {
        Assert.Equal(2, await BenchCommandLine.RunAsync(["no-such-scenario"]));
        Assert.Equal(2, await BenchCommandLine.RunAsync(["produce", "--senders", "0", "--out", _out]));
        Assert.Equal(2, await BenchCommandLine.RunAsync(["produce", "--warmup-seconds", "-1", "--out", _out]));
        Assert.False(File.Exists(Path.Combine(_out, "results.jsonl")));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_out, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open must not fail the test; the OS cleans temp dirs eventually.
        }
    }

    private async Task<ProduceResult> RunAndCheckAsync(string arguments, long expectedCount)
    {
        // The paced scenarios name their length; the others get a bound that ends a stuck run.
        string[] bound = arguments.Contains("--seconds", StringComparison.Ordinal) ? [] : ["--seconds", "60"];
        string[] args = [.. arguments.Split(' '), .. bound, "--out", _out];

        Assert.Equal(0, await BenchCommandLine.RunAsync(args));

        var lines = await File.ReadAllLinesAsync(Path.Combine(_out, "results.jsonl"), TestContext.Current.CancellationToken);
        var result = JsonSerializer.Deserialize<ProduceResult>(Assert.Single(lines, l => l.Length > 0))!;
        Assert.Equal(expectedCount, result.Count);
        Assert.Equal(0, result.Failed);
        Assert.True(result.MessagesPerSecond > 0, $"no throughput in {result.ToMarkdownRow()}");
        Assert.Contains(result.ToMarkdownRow(), await File.ReadAllTextAsync(Path.Combine(_out, "results.md"), TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.True(new FileInfo(Path.Combine(_out, "results.png")).Length > 0, "the chart was not written");
        return result;
    }
}
