namespace RocketTax.RocketMQ.Broker.Cluster;

/// <summary>
/// Samples the store's counts of messages put and delivered every second, so <c>GET_BROKER_RUNTIME_INFO</c> can report
/// RocketMQ's <c>putTps</c> and <c>getTransferedTps</c> (messages per second over the last 10 s, 1 min and 10 min).
/// </summary>
public sealed class TpsMeter(Store.IMessageStore store, TimeProvider time) : BackgroundService
{
    private const int Window = 601;

    private readonly long[] _put = new long[Window];
    private readonly long[] _got = new long[Window];
    private readonly Lock _gate = new();
    private int _count;
    private int _next;

    /// <summary>Messages stored per second: <c>"tps10s tps60s tps600s"</c> with two decimals, as RocketMQ formats it.</summary>
    public string DescribePut() => Describe(_put);

    /// <summary>Messages delivered to consumers per second, in the same form.</summary>
    public string DescribeGot() => Describe(_got);

    private string Describe(long[] samples) =>
        FormattableString.Invariant($"{Rate(samples, 10):0.00} {Rate(samples, 60):0.00} {Rate(samples, 600):0.00}");

    /// <summary>Per second over the last <paramref name="seconds"/> seconds sampled (fewer right after start).</summary>
    private double Rate(long[] samples, int seconds)
    {
        lock (_gate)
        {
            var span = Math.Min(seconds, _count - 1);
            if (span <= 0)
            {
                return 0;
            }

            var newest = samples[(_next - 1 + Window) % Window];
            var oldest = samples[(_next - 1 - span + Window) % Window];
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
                _put[_next] = store.Statistics.MessagesPut;
                _got[_next] = store.Statistics.MessagesGot;
                _next = (_next + 1) % Window;
                _count = Math.Min(_count + 1, Window);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }
}
