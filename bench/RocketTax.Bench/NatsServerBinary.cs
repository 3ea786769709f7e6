using System.Diagnostics;
using System.Text.RegularExpressions;

namespace RocketTax.Bench;

/// <summary>
/// The <c>nats-server</c> executable the bench starts, and its version: the one <see cref="PathVariable"/> names,
/// else the one <c>bench/peers/fetch-nats-server.sh</c> fetched into <c>bench/.peers</c>, else <c>nats-server</c>
/// on the PATH (Debian bookworm's is 2.9).
/// </summary>
public sealed partial record NatsServerBinary(string Path, Version Version)
{
    public const string PathVariable = "ROCKETTAX_NATS_SERVER";

    /// <summary>JetStream's <c>sync_interval</c>, and so its fsync before each publish ack, came with 2.10.</summary>
    public static readonly Version SyncWritesSince = new(2, 10);

    private const string FetchScript = "bench/peers/fetch-nats-server.sh";
    private const string Fetched = "bench/.peers/nats-server/usr/sbin/nats-server";

    private static readonly string HowToFetch =
        $"run {FetchScript} (it fetches 2.10 from Debian trixie into bench/.peers, without touching the system's packages), or set {PathVariable} to a 2.10 or later binary";

    public bool HasSyncWrites => Version >= SyncWritesSince;

    /// <summary>
    /// Finds the server and reads its version; with <paramref name="syncWrites"/>, refuses one before 2.10.
    /// </summary>
    /// <exception cref="PeerUnavailableException">None is found, or it cannot sync each write; the message says what to do.</exception>
    public static async Task<NatsServerBinary> FindAsync(bool syncWrites, CancellationToken cancellationToken)
    {
        var path = Locate()
            ?? throw new PeerUnavailableException($"nats-server not found: install Debian's ('apt-get install nats-server'), {HowToFetch}.");
        var version = await ReadVersionAsync(path, cancellationToken)
            ?? throw new PeerUnavailableException($"{path} printed no version for --version; is it nats-server? To use another, {HowToFetch}.");
        var binary = new NatsServerBinary(path, version);
        if (syncWrites && !binary.HasSyncWrites)
        {
            throw new PeerUnavailableException(
                $"{path} is nats-server {version}, which has no sync_interval (from {SyncWritesSince}), so JetStream cannot fsync each message before its ack to match SYNC_FLUSH: {HowToFetch}.");
        }

        return binary;
    }

    /// <summary>The version in <c>nats-server --version</c>'s answer (<c>nats-server: v2.10.27</c>), null if there is none.</summary>
    public static Version? ParseVersion(string versionOutput) =>
        VersionLine().Match(versionOutput) is { Success: true } match ? Version.Parse(match.Groups[1].Value) : null;

    private static string? Locate()
    {
        if (Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 } named)
        {
            return File.Exists(named) ? named : throw new PeerUnavailableException($"{PathVariable}={named}, which does not exist: point it at a nats-server binary, or unset it.");
        }

        // The repository holding the bench's (or its tests') build output, where the fetch script puts the server.
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, FetchScript)))
            {
                var fetched = System.IO.Path.Combine(directory.FullName, Fetched);
                if (File.Exists(fetched))
                {
                    return fetched;
                }

                break;
            }
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => System.IO.Path.Combine(directory, "nats-server"))
            .FirstOrDefault(File.Exists);
    }

    private static async Task<Version?> ReadVersionAsync(string path, CancellationToken cancellationToken)
    {
        Process process;
        try
        {
            process = Process.Start(new ProcessStartInfo(path, "--version") { RedirectStandardOutput = true })
                ?? throw new PeerUnavailableException($"could not start {path}");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            // Not executable, or not a program this machine runs.
            throw new PeerUnavailableException($"could not run {path} ({ex.Message}): point {PathVariable} at a nats-server binary, or {HowToFetch}.");
        }

        using var started = process;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(10));
        try
        {
            var output = await started.StandardOutput.ReadToEndAsync(deadline.Token);
            await started.WaitForExitAsync(deadline.Token);
            return ParseVersion(output);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            started.Kill();
            throw new PeerUnavailableException($"{path} --version did not answer within 10 s");
        }
    }

    [GeneratedRegex(@"^nats-server: v(\d+\.\d+(?:\.\d+)?)", RegexOptions.Multiline)]
    private static partial Regex VersionLine();
}
