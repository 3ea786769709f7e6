using Microsoft.Extensions.Diagnostics.HealthChecks;
using RocketTax.Hosting.RocketMQ.HealthChecks;

namespace RocketTax.Tests;

public sealed class StartingNodeHealthCheckTests
{
    private readonly ExecutableResource _node = new("broker-a", "dotnet", ".");
    private readonly ResourceNotificationService _notifications = StandaloneNotifications.Create();

    [Fact(Timeout = 30_000)]
    public async Task A_node_that_just_started_is_checked_again_until_it_serves()
    {
        await RunningSinceAsync(DateTime.UtcNow);
        var inner = new AnswersAfter(failures: 3);

        var result = await CheckAsync(inner);

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal(4, inner.Calls);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_node_that_never_serves_is_reported_unhealthy_after_the_patience()
    {
        await RunningSinceAsync(DateTime.UtcNow);
        var inner = new AnswersAfter(failures: int.MaxValue);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var result = await CheckAsync(inner);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.True(clock.Elapsed >= StartingNodeHealthCheck.Patience, $"gave up after {clock.Elapsed}");
        Assert.True(inner.Calls > 1);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_node_running_for_long_is_checked_once()
    {
        await RunningSinceAsync(DateTime.UtcNow - StartingNodeHealthCheck.StartupWindow - TimeSpan.FromMinutes(1));
        await AssertCheckedOnceAsync(new AnswersAfter(failures: 3));
    }

    [Fact(Timeout = 30_000)]
    public async Task A_node_that_exited_is_checked_once()
    {
        await _notifications.PublishUpdateAsync(_node, s => s with { State = KnownResourceStates.Exited, StartTimeStamp = DateTime.UtcNow });
        await AssertCheckedOnceAsync(new AnswersAfter(failures: 3));
    }

    private Task<HealthCheckResult> CheckAsync(IHealthCheck inner) =>
        new StartingNodeHealthCheck(inner, _node, _notifications, TimeProvider.System)
            .CheckHealthAsync(new HealthCheckContext(), TestContext.Current.CancellationToken);

    private async Task AssertCheckedOnceAsync(AnswersAfter inner)
    {
        var result = await CheckAsync(inner);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal(1, inner.Calls);
    }

    private Task RunningSinceAsync(DateTime started) =>
        _notifications.PublishUpdateAsync(_node, s => s with { State = KnownResourceStates.Running, StartTimeStamp = started });

    private sealed class AnswersAfter(int failures) : IHealthCheck
    {
        public int Calls { get; private set; }

        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(++Calls > failures ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("connection refused"));
    }
}
