namespace RocketTax.Bench;

/// <summary>
/// The CPU seconds the broker and this bench process had used at one moment, so a run reports what each spent on
/// its messages: on a machine shared with other work, CPU per message moves far less than throughput does.
/// </summary>
public readonly record struct CpuMark(double BrokerSeconds, double BenchSeconds)
{
    private static readonly ProcessResources Bench = new(Environment.ProcessId);

    /// <summary>Now; the broker's part is 0 when it runs elsewhere.</summary>
    public static CpuMark Now(ProcessResources? broker) => new(broker?.CpuSeconds() ?? 0, Bench.CpuSeconds());

    /// <summary>What each process used from <paramref name="before"/> to now.</summary>
    public static CpuMark Since(CpuMark before, ProcessResources? broker)
    {
        var now = Now(broker);
        return new CpuMark(now.BrokerSeconds - before.BrokerSeconds, now.BenchSeconds - before.BenchSeconds);
    }
}
