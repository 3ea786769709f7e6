using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace RocketTax.Testing;

/// <summary>
/// Runs the official Node.js client's compat scripts (<c>tests/compat/node</c>). Tests that need it call
/// <see cref="Require"/>: without node or the npm install they are skipped, or failed when
/// <c>ROCKETTAX_REQUIRE_NODE=1</c> (as CI sets it) so a missing peer never passes silently.
/// </summary>
public sealed class NodeCompat
{
    private const int StdErrTailLines = 40;
    private const string ClientPackage = "rocketmq-client-nodejs";

    /// <summary>camelCase JSON, as the scripts read and print it; nulls are left out so the scripts' defaults apply.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    private NodeCompat(string node, string scriptsDirectory)
    {
        Node = node;
        ScriptsDirectory = scriptsDirectory;
    }

    /// <summary>The node executable.</summary>
    public string Node { get; }

    /// <summary><c>tests/compat/node</c>, holding the scripts and their node_modules.</summary>
    public string ScriptsDirectory { get; }

    /// <summary>Finds node and the installed client, or skips (fails under <c>ROCKETTAX_REQUIRE_NODE=1</c>) saying what is missing.</summary>
    public static NodeCompat Require()
    {
        var scripts = RepositoryLayout.NodeCompatDirectory;
        var node = FindOnPath(OperatingSystem.IsWindows() ? "node.exe" : "node");
        string? missing = null;
        if (scripts is null)
        {
            missing = $"no RocketTax.sln above {AppContext.BaseDirectory}, so tests/compat/node cannot be found";
        }
        else if (node is null)
        {
            missing = "'node' is not on PATH (install Node.js 18 or later, e.g. 'apt-get install nodejs npm')";
        }
        else if (!Directory.Exists(Path.Combine(scripts, "node_modules", ClientPackage)))
        {
            missing = $"{ClientPackage} is not installed (run 'npm install --no-audit --no-fund' in {scripts})";
        }

        if (missing is null)
        {
            return new NodeCompat(node!, scripts!);
        }

        var message = $"The official Node.js client is not available: {missing}.";
        if (Environment.GetEnvironmentVariable("ROCKETTAX_REQUIRE_NODE") == "1")
        {
            Assert.Fail($"{message} ROCKETTAX_REQUIRE_NODE=1 requires it.");
        }

        Assert.Skip($"{message} Set ROCKETTAX_REQUIRE_NODE=1 to fail instead of skipping.");
        throw new UnreachableException();
    }

    /// <summary>
    /// Runs <c>node &lt;script&gt; '&lt;json args&gt;'</c> and returns its JSON lines. Throws
    /// <see cref="NodeScriptException"/> with the stderr tail when it exits non-zero or outlives <paramref name="timeout"/>
    /// (then its process tree is killed).
    /// </summary>
    public async Task<NodeScriptResult> RunAsync(string script, object args, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var argsJson = JsonSerializer.Serialize(args, Json);
        var startInfo = new ProcessStartInfo(Node)
        {
            WorkingDirectory = ScriptsDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        startInfo.ArgumentList.Add(Path.Combine(ScriptsDirectory, script));
        startInfo.ArgumentList.Add(argsJson);

        var stdout = new List<string>();
        var stderr = new List<string>();
        using var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) => Append(stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Append(stderr, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            cancellationToken.ThrowIfCancellationRequested();
            throw new NodeScriptException(
                $"{script} did not finish within {timeout.TotalSeconds:0} s and was killed. Args: {argsJson}{Tail(stderr)}", exitCode: null);
        }

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"--- node {script} exited with {process.ExitCode}; stderr ---{Environment.NewLine}{string.Join(Environment.NewLine, Snapshot(stderr))}");
        if (process.ExitCode != 0)
        {
            throw new NodeScriptException(
                $"{script} exited with code {process.ExitCode}. Args: {argsJson}{Tail(stderr)}", process.ExitCode);
        }

        var lines = Snapshot(stdout).Where(l => l.Length > 0).Select(ParseLine(script)).ToList();
        return new NodeScriptResult(lines, Snapshot(stderr));
    }

    private static Func<string, JsonElement> ParseLine(string script) => line =>
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            return document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new NodeScriptException($"{script} printed a line that is not JSON: {line} ({e.Message})", exitCode: 0);
        }
    };

    private static void Append(List<string> lines, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (lines)
        {
            lines.Add(line);
        }
    }

    private static List<string> Snapshot(List<string> lines)
    {
        lock (lines)
        {
            return [.. lines];
        }
    }

    private static string Tail(List<string> stderr)
    {
        var lines = Snapshot(stderr);
        return $"{Environment.NewLine}--- last {Math.Min(StdErrTailLines, lines.Count)} stderr lines ---{Environment.NewLine}" +
               string.Join(Environment.NewLine, lines.Skip(Math.Max(0, lines.Count - StdErrTailLines)));
    }

    private static string? FindOnPath(string executable) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, executable))
            .FirstOrDefault(File.Exists);
}
