using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace RocketTax.Hosting.RocketMQ.HealthChecks;

/// <summary>The cluster is healthy when every broker answers a route query (external mode: every endpoint of the connection string).</summary>
internal sealed class ClusterHealthCheck(RocketMQClusterResource cluster) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var endpoints = cluster.ExternalEndpoints is { } external
            ? external.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : cluster.Brokers.Select(b => $"127.0.0.1:{b.HostPort(RocketMQEndpointNames.Grpc)}").ToArray();
        var failures = new List<string>();
        foreach (var endpoint in endpoints)
        {
            var colon = endpoint.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(endpoint.AsSpan(colon + 1), out var port))
            {
                failures.Add($"'{endpoint}' is not host:port");
                continue;
            }

            if (await GrpcRouteProbe.FailureAsync(endpoint[..colon], port, cluster.ProbeTopic, cluster.AdminCredentials, cancellationToken).ConfigureAwait(false) is { } failure)
            {
                failures.Add(failure);
            }
        }

        return failures.Count == 0 ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy(string.Join("; ", failures));
    }
}
