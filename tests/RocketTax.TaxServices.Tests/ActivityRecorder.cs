using System.Collections.Concurrent;
using System.Diagnostics;

namespace RocketTax.TaxServices.Tests;

/// <summary>
/// Records the spans CityTax, the RocketMQ client and ProvinceTax make in this process, as an exporter would
/// receive them. Other tests run alongside, so assertions pick their spans by trace or message key.
/// </summary>
public sealed class ActivityRecorder : IDisposable
{
    private static readonly HashSet<string> Sources = ["Microsoft.AspNetCore", "RocketTax.CityTax", "RocketTax.RocketMQ.Client", "RocketTax.ProvinceTax.Storage"];

    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ActivityListener _listener;

    public ActivityRecorder()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => Sources.Contains(source.Name),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>Spans ended so far.</summary>
    public IReadOnlyList<Activity> Stopped => [.. _stopped];

    /// <summary>The publish span of the message keyed <paramref name="reportId"/>.</summary>
    public Activity? PublishOf(string reportId) => Stopped.FirstOrDefault(a =>
        a.DisplayName.EndsWith(" publish", StringComparison.Ordinal)
        && a.GetTagItem("messaging.rocketmq.message.keys") is string[] keys && keys.Contains(reportId));

    /// <summary>The span of <paramref name="trace"/> whose parent is <paramref name="parent"/> and whose name ends with <paramref name="suffix"/>.</summary>
    public Activity? ChildOf(ActivityTraceId trace, ActivitySpanId parent, string suffix) => Stopped.FirstOrDefault(a =>
        a.TraceId == trace && a.ParentSpanId == parent && a.DisplayName.EndsWith(suffix, StringComparison.Ordinal));

    /// <summary>Polls until <paramref name="find"/> returns a span, or fails the test after <paramref name="within"/>.</summary>
    public async Task<Activity> WaitForAsync(Func<ActivityRecorder, Activity?> find, string what, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline)
        {
            if (find(this) is { } found)
            {
                return found;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), TestContext.Current.CancellationToken);
        }

        Assert.Fail($"No {what} span within {within}; recorded: {string.Join(", ", Stopped.Select(a => a.DisplayName).Distinct())}");
        return null!;
    }

    public void Dispose() => _listener.Dispose();
}
