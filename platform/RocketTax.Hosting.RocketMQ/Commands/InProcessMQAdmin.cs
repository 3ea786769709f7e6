using RocketTax.RocketMQ.Broker.Admin;

namespace RocketTax.Hosting.RocketMQ.Commands;

/// <summary>Runs an <c>mqadmin</c> command inside the AppHost (the broker assembly's own tool), capturing what it prints.</summary>
internal static class InProcessMQAdmin
{
    public static async Task<(bool Succeeded, string Output)> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        using var output = new StringWriter();
        var exitCode = await AdminCommandLine.RunAsync([.. args], output, output, cancellationToken).ConfigureAwait(false);
        return (exitCode == 0, output.ToString().TrimEnd());
    }
}
