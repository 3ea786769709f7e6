using RocketTax.RocketMQ.Client.Session;

namespace RocketTax.RocketMQ.Client.Tests;

/// <summary>Request ids: UUID text, never repeated, also when many threads take them at once.</summary>
public sealed class RequestIdsTests
{
    [Fact]
    public void Ids_taken_concurrently_are_distinct_UUIDs()
    {
        var requestIds = new RequestIds();
        var ids = new string[4][];
        Parallel.For(0, ids.Length, t => ids[t] = [.. Enumerable.Range(0, 10_000).Select(_ => requestIds.Next())]);

        var all = ids.SelectMany(i => i).ToList();
        Assert.Equal(all.Count, all.Distinct(StringComparer.Ordinal).Count());
        Assert.All(all, id => Assert.True(Guid.TryParseExact(id, "D", out _), id));
    }
}
