using System.Diagnostics;
using System.Text;

namespace RocketTax.Testing;

/// <summary>How fixtures launch <c>rocketmq.dll</c>: the dotnet host running the tests, without the runner's ASP.NET settings.</summary>
public static class RocketMQProcessHost
{
    /// <summary>A start info for <c>dotnet rocketmq.dll &lt;args&gt;</c> with redirected UTF-8 output.</summary>
    public static ProcessStartInfo StartInfo(string workingDirectory, IEnumerable<string> args) =>
        StartInfo(workingDirectory, RepositoryLayout.BrokerAssembly, args);

    /// <summary>A start info for <c>dotnet &lt;assembly&gt; &lt;args&gt;</c> with redirected UTF-8 output, such as a client the tests kill.</summary>
    public static ProcessStartInfo StartInfo(string workingDirectory, string assembly, IEnumerable<string> args)
    {
        var startInfo = new ProcessStartInfo(DotnetHost())
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        startInfo.ArgumentList.Add(assembly);
        foreach (var arg in args)
        {
            startInfo.ArgumentList.Add(arg);
        }

        foreach (var name in new[] { "ASPNETCORE_URLS", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_HTTPS_PORTS", "DOTNET_URLS", "NAMESRV_ADDR" })
        {
            startInfo.Environment.Remove(name);
        }

        return startInfo;
    }

    private static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath && File.Exists(hostPath))
        {
            return hostPath;
        }

        return Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
    }
}
