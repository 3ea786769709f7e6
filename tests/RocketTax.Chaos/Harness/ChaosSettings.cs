using System.Globalization;

namespace RocketTax.Chaos.Harness;

/// <summary>
/// How big a run is. CI uses the defaults; the full run scales them up through the environment:
/// <c>ROCKETTAX_CHAOS_TRIALS</c> (kill trials per fault kind), <c>ROCKETTAX_FUZZ_INPUTS</c> (inputs per fuzzed
/// surface), <c>ROCKETTAX_CHAOS_SEED</c> (the seed every random choice derives from, printed by each test) and the
/// soak's <c>ROCKETTAX_SOAK_*</c> durations.
/// </summary>
public static class ChaosSettings
{
    public static int Trials => Read("ROCKETTAX_CHAOS_TRIALS", 10);

    /// <summary>SIGSTOP stalls: each waits out the client's request timeout, so CI runs 3 unless the full run asks for more.</summary>
    public static int StallTrials => Read("ROCKETTAX_CHAOS_TRIALS", 3);

    /// <summary>kill -9 of one name server, and of a consumer mid-batch: each trial waits out a restart or an invisible duration, so CI runs 4.</summary>
    public static int ProcessKillTrials => Read("ROCKETTAX_CHAOS_TRIALS", 4);

    /// <summary>How long the soak runs (<c>ROCKETTAX_SOAK_SECONDS</c>, which also turns the soak on): 180 for a short soak, 1800 for the full one.</summary>
    public static TimeSpan SoakDuration => TimeSpan.FromSeconds(Read("ROCKETTAX_SOAK_SECONDS", 90));

    /// <summary>Time between the soak's faults (<c>ROCKETTAX_SOAK_FAULT_SECONDS</c>): 20 s unless set, so a short soak still meets every fault kind; 60 for the full soak.</summary>
    public static TimeSpan SoakFaultInterval => TimeSpan.FromSeconds(Read("ROCKETTAX_SOAK_FAULT_SECONDS", 20));

    /// <summary>Time between the soak's readings of the broker's footprint (<c>ROCKETTAX_SOAK_SAMPLE_SECONDS</c>).</summary>
    public static TimeSpan SoakSampleInterval => TimeSpan.FromSeconds(Read("ROCKETTAX_SOAK_SAMPLE_SECONDS", 3));

    public static int FuzzInputs => Read("ROCKETTAX_FUZZ_INPUTS", 10_000);

    public static int Seed => Read("ROCKETTAX_CHAOS_SEED", 20_211_001);

    private static int Read(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : fallback;
}
