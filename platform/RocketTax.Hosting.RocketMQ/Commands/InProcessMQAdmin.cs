using Aspire.Hosting.ApplicationModel;
using RocketTax.RocketMQ.Broker.Admin;

namespace RocketTax.Hosting.RocketMQ.Commands;

/// <summary>
/// Runs an <c>mqadmin</c> command against a cluster inside the AppHost (the broker assembly's own tool), capturing what it
/// prints; under access control it signs as the integration's admin account.
/// </summary>
internal static class InProcessMQAdmin
{
    public static async Task<(bool Succeeded, string Output)> RunAsync(RocketMQClusterResource cluster, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        using var output = new StringWriter();
        string[] signed = cluster.AdminCredentials is { } admin ? [.. args, "--accessKey", admin.AccessKey, "--secretKey", admin.SecretKey] : [.. args];
        var exitCode = await AdminCommandLine.RunAsync(signed, output, output, cancellationToken).ConfigureAwait(false);
        return (exitCode == 0, output.ToString().TrimEnd());
    }
}
