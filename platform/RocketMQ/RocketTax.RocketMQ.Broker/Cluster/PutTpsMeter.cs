namespace RocketTax.RocketMQ.Broker.Cluster;

/// <summary>
/// Samples the store's message count every second so <c>GET_BROKER_RUNTIME_INFO</c> can report RocketMQ's
/// <c>putTps</c> (messages per second over the last 10 s, 1 min and 10 min).
/// </summary>
public sealed class PutTpsMeter(Store.IMessageStore store, TimeProvider time) : BackgroundService
{
    private const int Window = 601;

    private readonly long[] _samples = new long[Window];
    private readonly Lock _gate = new();
    private int _count;
    private int _next;

    /// <summary><c>"tps10s tps60s tps600s"</c> with two decimals, as RocketMQ formats it.</summary>
    public string Describe() => FormattableString.Invariant($"{Rate(10):0.00} {Rate(60):0.00} {Rate(600):0.00}");

    /// <summary>Messages per second over the last <paramref name="seconds"/> seconds sampled (fewer right after start).</summary>
    public double Rate(int seconds)
    {
        lock (_gate)
        {
            var span = Math.Min(seconds, _count - 1);
            if (span <= 0)
            {
                return 0;
            }

            var newest = _samples[(_next - 1 + Window) % Window];
            var oldest = _samples[(_next - 1 - span + Window) % Window];
            return (newest - oldest) / (double)span;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        do
        {
            lock (_gate)
            {
                _samples[_next] = store.Statistics.MessagesPut;
                _next = (_next + 1) % Window;
                _count = Math.Min(_count + 1, Window);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }
}
