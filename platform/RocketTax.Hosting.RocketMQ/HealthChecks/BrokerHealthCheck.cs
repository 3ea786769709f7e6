using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace RocketTax.Hosting.RocketMQ.HealthChecks;

/// <summary>A broker is healthy when its gRPC endpoint answers a route query for the cluster's first topic.</summary>
internal sealed class BrokerHealthCheck(IRocketMQBrokerResource broker) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var failure = await GrpcRouteProbe.FailureAsync(
            "127.0.0.1", broker.HostPort(RocketMQEndpointNames.Grpc), broker.Parent.ProbeTopic, broker.Parent.AdminCredentials, cancellationToken).ConfigureAwait(false);
        return failure is null ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy(failure);
    }
}
