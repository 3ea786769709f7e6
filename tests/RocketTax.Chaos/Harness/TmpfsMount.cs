using System.Diagnostics;
using System.Globalization;

namespace RocketTax.Chaos.Harness;

/// <summary>
/// A size-limited tmpfs mounted on a fresh temp dir: a disk that fills up for real (ENOSPC), for full-disk
/// tests. Mounting needs root (or CAP_SYS_ADMIN); <see cref="TryMountAsync"/> says why when it cannot.
/// </summary>
public sealed class TmpfsMount : IAsyncDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(15);

    private bool _unmounted;

    private TmpfsMount(string path) => Path = path;

    /// <summary>The mount point.</summary>
    public string Path { get; }

    /// <summary>Mounts a tmpfs of <paramref name="megabytes"/> MiB; returns the reason instead when this machine does not allow it.</summary>
    public static async Task<(TmpfsMount? Mount, string? Reason)> TryMountAsync(int megabytes, CancellationToken cancellationToken)
    {
        if (!OperatingSystem.IsLinux())
        {
            return (null, "tmpfs mounts need Linux");
        }

        var dir = Directory.CreateTempSubdirectory("rockettax-tmpfs-").FullName;
        var (exitCode, output) = await RunAsync(cancellationToken, "mount", "-t", "tmpfs", "-o",
            "size=" + megabytes.ToString(CultureInfo.InvariantCulture) + "m", "tmpfs", dir);
        if (exitCode == 0)
        {
            return (new TmpfsMount(dir), null);
        }

        Directory.Delete(dir);
        return (null, $"'mount -t tmpfs' is not permitted here (exit {exitCode}: {output.Trim()}); run as root to test a full disk");
    }

    /// <summary>Writes a file of zeros until the disk refuses; deleting it gives the space back.</summary>
    public string Fill(string name = "filler")
    {
        var path = System.IO.Path.Combine(Path, name);
        var chunk = new byte[64 * 1024];
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1);
        try
        {
            while (true)
            {
                file.Write(chunk);
            }
        }
        catch (IOException)
        {
            // ENOSPC: the disk is full, which is the point.
        }

        return path;
    }

    /// <summary>Unmounts and deletes the mount point; false while a file on it is still open (the disk is busy).</summary>
    public async Task<bool> UnmountAsync(CancellationToken cancellationToken)
    {
        if (_unmounted)
        {
            return true;
        }

        var (exitCode, _) = await RunAsync(cancellationToken, "umount", Path);
        _unmounted = exitCode == 0;
        if (_unmounted)
        {
            Directory.Delete(Path, recursive: true);
        }

        return _unmounted;
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(CommandTimeout);
        await UnmountAsync(timeout.Token);
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(CancellationToken cancellationToken, string file, params string[] args)
    {
        var startInfo = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            startInfo.ArgumentList.Add(arg);
        }

        try
        {
            using var process = Process.Start(startInfo)!;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(CommandTimeout);
            var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            return (process.ExitCode, await stderr);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return (-1, ex.Message);
        }
    }
}
