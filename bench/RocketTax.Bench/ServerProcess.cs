using System.Collections.Concurrent;
using System.Diagnostics;

namespace RocketTax.Bench;

/// <summary>
/// A server the bench started on a temp home: ready when it prints its ready line, stopped by its pid with
/// every child it spawned, and its home deleted, so a run leaves no process or file behind.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string? _home;

    private ServerProcess(Process process, string? home)
    {
        _process = process;
        _home = home;
        Resources = new ProcessResources(process.Id);
    }

    public int Id => _process.Id;

    public ProcessResources Resources { get; }

    /// <summary>
    /// Starts <paramref name="start"/> and waits until a line of its output contains <paramref name="readyLine"/>;
    /// fails with its last lines if it exits first or is not ready by <paramref name="deadline"/>. With
    /// <paramref name="echoErrors"/>, lines of standard error are shown, prefixed with <paramref name="name"/>.
    /// </summary>
    /// <param name="home">A directory the server owns, deleted when it stops; null when it owns none.</param>
    public static async Task<ServerProcess> StartAsync(
        string name, ProcessStartInfo start, string? home, string readyLine, TimeSpan deadline, CancellationToken cancellationToken, bool echoErrors = true)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.RedirectStandardInput = true;
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {name} ({start.FileName})");
        var server = new ServerProcess(process, home);
        var lastLines = new ConcurrentQueue<string>();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Watch(string? line, bool show)
        {
            if (line is null)
            {
                return;
            }

            lastLines.Enqueue(line);
            while (lastLines.Count > 20 && lastLines.TryDequeue(out _))
            {
            }

            if (show)
            {
                Console.Error.WriteLine($"[{name}] {line}");
            }

            if (line.Contains(readyLine, StringComparison.Ordinal))
            {
                ready.TrySetResult();
            }
        }

        process.OutputDataReceived += (_, e) => Watch(e.Data, show: false);
        process.ErrorDataReceived += (_, e) => Watch(e.Data, show: echoErrors);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var exited = process.WaitForExitAsync(cancellationToken);
            var first = await Task.WhenAny(ready.Task, exited).WaitAsync(deadline, cancellationToken);
            if (first != ready.Task)
            {
                throw new InvalidOperationException(
                    $"{name} exited with code {process.ExitCode} before it was ready; its last lines:\n{string.Join('\n', lastLines)}");
            }

            return server;
        }
        catch (TimeoutException)
        {
            await server.DisposeAsync();
            throw new TimeoutException($"{name} did not print '{readyLine}' within {deadline.TotalSeconds:N0} s; its last lines:\n{string.Join('\n', lastLines)}");
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        if (_home is not null && Directory.Exists(_home))
        {
            Directory.Delete(_home, recursive: true);
        }
    }
}
