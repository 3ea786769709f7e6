using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RocketTax.RocketMQ.Remoting;

namespace RocketTax.Hosting.RocketMQ.HealthChecks;

/// <summary>A name server is healthy when it answers <c>GET_BROKER_CLUSTER_INFO</c> over remoting, as <c>mqadmin clusterList</c> asks it.</summary>
internal sealed class NameServerHealthCheck(IRocketMQNameServerResource nameServer) : IHealthCheck
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var address = $"127.0.0.1:{nameServer.HostPort(RocketMQEndpointNames.Remoting)}";
        await using var client = new RemotingClient { ConnectTimeout = Timeout };
        try
        {
            var response = await client.InvokeAsync(address, RemotingCommand.Request(RequestCode.GetBrokerClusterInfo), Timeout, cancellationToken).ConfigureAwait(false);
            return response.Code == ResponseCode.Success
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy($"{address} answered GET_BROKER_CLUSTER_INFO with code {response.Code}: {response.Remark}");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Refused, reset or timed out: the name server is not serving yet (or any more); the message says which.
            return HealthCheckResult.Unhealthy($"{address} did not answer GET_BROKER_CLUSTER_INFO: {ex.Message}", ex);
        }
    }
}
