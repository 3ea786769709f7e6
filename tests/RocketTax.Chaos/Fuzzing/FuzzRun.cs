using CsCheck;
using RocketTax.Chaos.Harness;

namespace RocketTax.Chaos.Fuzzing;

/// <summary>
/// Runs one fuzzed surface through CsCheck: <see cref="ChaosSettings.FuzzInputs"/> inputs, a failing input
/// shrunk to a small one and reported with its seed. <c>CsCheck_Seed=&lt;seed&gt;</c> replays that input;
/// the first input of every run derives from <c>ROCKETTAX_CHAOS_SEED</c>.
/// </summary>
public static class FuzzRun
{
    /// <summary>Two threads: enough to interleave inputs on the server, few enough for a 2-core machine.</summary>
    private const int Threads = 2;

    public static async Task<int> SampleAsync<T>(string surface, Gen<T> inputs, Func<T, Task> assert, Func<T, string>? print = null)
    {
        var count = ChaosSettings.FuzzInputs;
        var seed = Environment.GetEnvironmentVariable("CsCheck_Seed") is { Length: > 0 } replay
            ? replay
            : new PCG(1, (ulong)ChaosSettings.Seed).ToString();
        var started = DateTime.UtcNow;
        await inputs.SampleAsync(assert, writeLine: ChaosLog.Write, seed: seed, iter: count, threads: Threads, print: print);
        ChaosLog.Write($"fuzz {surface}: {count} inputs (seed {seed}) in {(DateTime.UtcNow - started).TotalSeconds:0} s, no crash, no hang");
        return count;
    }
}
