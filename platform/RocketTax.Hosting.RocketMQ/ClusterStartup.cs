using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RocketTax.Hosting.RocketMQ.Commands;

namespace RocketTax.Hosting.RocketMQ;

/// <summary>
/// The cluster resource's own state, which no process carries: <i>Starting</i> until every broker is healthy, then the
/// configured topics are created on every master and it turns <i>Running</i>; <i>FailedToStart</i>, with the broker's
/// state and what to look at, when a broker ends before it is healthy. Once it runs, the brokers' live figures follow
/// (<see cref="BrokerLiveProperties"/>).
/// </summary>
internal static class ClusterStartup
{
    public static Task InitializeAsync(RocketMQClusterResource cluster, InitializeResourceEvent @event, CancellationToken cancellationToken)
    {
        var stopping = @event.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        // The wait outlives this event: it ends when the brokers are up, fail, or the app stops; every outcome is published.
        _ = Task.Run(() => RunAsync(cluster, @event.Notifications, @event.Logger, stopping), CancellationToken.None);
        return Task.CompletedTask;
    }

    private static async Task RunAsync(RocketMQClusterResource cluster, ResourceNotificationService notifications, ILogger logger, CancellationToken stopping)
    {
        try
        {
            await notifications.PublishUpdateAsync(cluster, s => s with
            {
                State = KnownResourceStates.Starting,
                Properties = [.. s.Properties, .. Describe(cluster)],
            }).ConfigureAwait(false);

            if (cluster.Mode != RocketMQMode.External)
            {
                foreach (var broker in cluster.Brokers)
                {
                    var seen = await notifications.WaitForResourceAsync(broker.Name, e =>
                        e.Snapshot.HealthStatus == HealthStatus.Healthy || IsTerminal(e.Snapshot.State?.Text), stopping).ConfigureAwait(false);
                    if (IsTerminal(seen.Snapshot.State?.Text))
                    {
                        var reason = $"{broker.Name} is {seen.Snapshot.State?.Text}" +
                            (seen.Snapshot.ExitCode is { } code ? $" (exit code {code.ToString(CultureInfo.InvariantCulture)})" : string.Empty) +
                            "; its console log says why";
                        logger.LogError("The cluster cannot start: {Reason}", reason);
                        await PublishStateAsync(notifications, cluster, KnownResourceStates.FailedToStart, KnownResourceStateStyles.Error).ConfigureAwait(false);
                        return;
                    }
                }

                foreach (var (topic, queues) in cluster.Topics)
                {
                    foreach (var broker in cluster.Brokers)
                    {
                        var address = $"127.0.0.1:{broker.HostPort(RocketMQEndpointNames.Remoting)}";
                        var count = queues.ToString(CultureInfo.InvariantCulture);
                        var (ok, output) = await InProcessMQAdmin.RunAsync(
                            cluster, ["updateTopic", "-n", cluster.NameServerAddresses, "-b", address, "-t", topic, "-r", count, "-w", count], stopping).ConfigureAwait(false);
                        if (!ok)
                        {
                            logger.LogError("Creating topic {Topic} on {Broker} failed: {Output}", topic, broker.Name, output);
                            await PublishStateAsync(notifications, cluster, KnownResourceStates.FailedToStart, KnownResourceStateStyles.Error).ConfigureAwait(false);
                            return;
                        }

                        logger.LogInformation("Topic {Topic}: {Queues} queues on {Broker}", topic, queues, broker.Name);
                    }
                }
            }

            await notifications.PublishUpdateAsync(cluster, s => s with
            {
                State = new ResourceStateSnapshot(KnownResourceStates.Running, KnownResourceStateStyles.Success),
                StartTimeStamp = DateTime.UtcNow,
            }).ConfigureAwait(false);
            if (cluster.Mode != RocketMQMode.External)
            {
                await BrokerLiveProperties.RunAsync(cluster, notifications, logger, stopping).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The app stopped, while the cluster started or while its figures were read; nothing is left to report.
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "The cluster cannot start: {Message}", ex.Message);
            await PublishStateAsync(notifications, cluster, KnownResourceStates.FailedToStart, KnownResourceStateStyles.Error).ConfigureAwait(false);
        }
    }

    private static Task PublishStateAsync(ResourceNotificationService notifications, IResource cluster, string state, string style) =>
        notifications.PublishUpdateAsync(cluster, s => s with { State = new ResourceStateSnapshot(state, style) });

    private static bool IsTerminal(string? state) => state is not null && KnownResourceStates.TerminalStates.Contains(state);

    private static IEnumerable<ResourcePropertySnapshot> Describe(RocketMQClusterResource cluster) =>
    [
        new("rocketmq.mode", cluster.Mode.ToString()),
        new("rocketmq.cluster", cluster.ClusterName),
        new("rocketmq.namesrvAddr", cluster.Mode == RocketMQMode.External ? string.Empty : cluster.NameServerAddresses),
        new("rocketmq.brokers", string.Join(", ", cluster.Brokers.Select(b => b.Name))),
        new("rocketmq.topics", string.Join(", ", cluster.Topics.Select(t => $"{t.Key} ({t.Value} queues per broker)"))),
    ];
}
