using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using RocketTax.Hosting.RocketMQ;
using RocketTax.RocketMQ.Broker.Remoting;
using RocketTax.RocketMQ.Remoting;
using RocketTax.RocketMQ.Remoting.Body;

namespace RocketTax.Tests;

/// <summary>
/// The brokers' live figures on their resources when a broker has <c>aclEnable=true</c>: the integration's calls are
/// not signed, and the broker's refusal shows on the resource instead of figures that silently stop moving.
/// </summary>
public sealed class BrokerLivePropertiesTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    [Fact(Timeout = 60_000)]
    public async Task A_broker_refusing_the_unsigned_call_shows_access_denied_until_it_answers_with_figures()
    {
        var ct = TestContext.Current.CancellationToken;
        var guard = new Refusal { Refusing = true };
        await using var server = new RemotingServer(
            new RemotingServerOptions(0) { Address = IPAddress.Loopback }, [new RuntimeInfo()], NullLogger<RemotingServer>.Instance, guard);
        await server.StartAsync(ct);
        var cluster = new RocketMQClusterResource("rocketmq", RocketMQMode.Embedded);
        var broker = new RocketMQBrokerResource("broker-a", ".", cluster);
        broker.Annotations.Add(new EndpointAnnotation(ProtocolType.Tcp, name: RocketMQEndpointNames.Remoting, port: server.Port));
        cluster.Brokers.Add(broker);
        var notifications = StandaloneNotifications.Create();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var running = BrokerLiveProperties.RunAsync(cluster, notifications, NullLogger.Instance, stop.Token);

        var refused = await notifications.WaitForResourceAsync(broker.Name, e => Property(e, BrokerLiveProperties.Access) is not null, ct).WaitAsync(Timeout, ct);
        guard.Refusing = false;
        var served = await notifications.WaitForResourceAsync(broker.Name, e => Property(e, BrokerLiveProperties.PutTps) is not null, ct).WaitAsync(Timeout, ct);
        await stop.CancelAsync();

        Assert.Contains("access denied", Property(refused, BrokerLiveProperties.Access), StringComparison.Ordinal);
        Assert.Contains(Refusal.Reason, Property(refused, BrokerLiveProperties.Access), StringComparison.Ordinal);
        Assert.Null(Property(refused, BrokerLiveProperties.PutTps));
        Assert.Equal("12.5", Property(served, BrokerLiveProperties.PutTps));
        Assert.Null(Property(served, BrokerLiveProperties.Access));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running).WaitAsync(Timeout, ct);
    }

    private static string? Property(ResourceEvent resourceEvent, string name) =>
        resourceEvent.Snapshot.Properties.FirstOrDefault(p => p.Name == name)?.Value?.ToString();

    /// <summary>The broker's ACL guard as it answers an unsigned request, while <see cref="Refusing"/>.</summary>
    private sealed class Refusal : IRemotingRequestGuard
    {
        public const string Reason = "the request is not signed, and this broker has aclEnable=true";

        public volatile bool Refusing;

        public RemotingCommand? Refuse(RemotingCommand request, string peer) =>
            Refusing ? RemotingCommand.Response(request, ResponseCode.NoPermission, Reason) : null;
    }

    private sealed class RuntimeInfo : IRemotingRequestProcessor
    {
        public IReadOnlyCollection<int> RequestCodes { get; } = [RequestCode.GetBrokerRuntimeInfo];

        public ValueTask<RemotingCommand> ProcessAsync(RemotingCommand request, string peer, CancellationToken cancellationToken) =>
            ValueTask.FromResult(RemotingCommand.JsonResponse(request, new KVTable { Table = { ["putTps"] = "12.5 10.0 8.0" } }));
    }
}
