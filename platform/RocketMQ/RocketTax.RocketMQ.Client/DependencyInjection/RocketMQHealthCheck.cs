using Microsoft.Extensions.Diagnostics.HealthChecks;
using RocketTax.RocketMQ.Client.Session;

namespace RocketTax.RocketMQ.Client;

/// <summary>Healthy when the cluster answers the route of a configured topic within the request timeout.</summary>
internal sealed class RocketMQHealthCheck(Func<ClientSession> session, string? topic) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (topic is null)
        {
            return HealthCheckResult.Healthy("No topic is configured to check (set HealthCheckTopic).");
        }

        try
        {
            var route = await session().QueryRouteAsync(topic, cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"Topic '{topic}' has {route.Queues.Count} queues on {route.Endpoints.Count} broker endpoint(s).");
        }
        catch (RocketMQException ex)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, ex.Message, ex);
        }
    }
}
