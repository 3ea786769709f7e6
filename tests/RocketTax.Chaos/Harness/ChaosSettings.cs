using System.Globalization;

namespace RocketTax.Chaos.Harness;

/// <summary>
/// How big a run is. CI uses the defaults; the full run scales them up through the environment:
/// <c>ROCKETTAX_CHAOS_TRIALS</c> (kill trials per fault kind), <c>ROCKETTAX_FUZZ_INPUTS</c> (inputs per fuzzed
/// surface) and <c>ROCKETTAX_CHAOS_SEED</c> (the seed every random choice derives from, printed by each test).
/// </summary>
public static class ChaosSettings
{
    public static int Trials => Read("ROCKETTAX_CHAOS_TRIALS", 10);

    /// <summary>SIGSTOP stalls: each waits out the client's request timeout, so CI runs 3 unless the full run asks for more.</summary>
    public static int StallTrials => Read("ROCKETTAX_CHAOS_TRIALS", 3);

    public static int FuzzInputs => Read("ROCKETTAX_FUZZ_INPUTS", 10_000);

    public static int Seed => Read("ROCKETTAX_CHAOS_SEED", 20_211_001);

    private static int Read(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : fallback;
}
