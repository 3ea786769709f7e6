using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace RocketTax.Hosting.RocketMQ.HealthChecks;

/// <summary>
/// Gives a node that has just started the moment it needs to open its ports. Aspire checks a resource as soon as its
/// process runs, which is always before a .NET process listens, and after a failed check waits 1 s, then 2 s, 3 s... for
/// the next one; every node the graph waits on would add that wait to the start. While the node is younger than
/// <see cref="StartupWindow"/>, a failed check is repeated every <see cref="RetryInterval"/> for up to
/// <see cref="Patience"/>, so the node is seen healthy within moments of serving. An older node is checked once, as
/// Aspire asks: a node that stopped is reported unhealthy without delay.
/// </summary>
internal sealed class StartingNodeHealthCheck(IHealthCheck inner, IResource node, ResourceNotificationService notifications, TimeProvider time) : IHealthCheck
{
    public static readonly TimeSpan StartupWindow = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(3);
    public static readonly TimeSpan RetryInterval = TimeSpan.FromMilliseconds(100);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var result = await inner.CheckHealthAsync(context, cancellationToken).ConfigureAwait(false);
        var giveUpAt = time.GetUtcNow() + Patience;
        while (result.Status != HealthStatus.Healthy && IsStarting() && time.GetUtcNow() < giveUpAt)
        {
            await Task.Delay(RetryInterval, time, cancellationToken).ConfigureAwait(false);
            result = await inner.CheckHealthAsync(context, cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    private bool IsStarting() =>
        notifications.TryGetCurrentState(node.Name, out var current)
        && current.Snapshot.State?.Text == KnownResourceStates.Running
        && current.Snapshot.StartTimeStamp is { } started
        && time.GetUtcNow().UtcDateTime - started.ToUniversalTime() < StartupWindow;
}
