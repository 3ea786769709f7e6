namespace RocketTax.Chaos.Harness;

/// <summary>Where a run's figures go: the test output, and one line per run in <c>ROCKETTAX_CHAOS_REPORT</c> when set (the full run's table is built from it).</summary>
public static class ChaosLog
{
    public static void Write(string line)
    {
        TestContext.Current.TestOutputHelper?.WriteLine(line);
        Console.WriteLine(line);
        if (Environment.GetEnvironmentVariable("ROCKETTAX_CHAOS_REPORT") is { Length: > 0 } path)
        {
            File.AppendAllText(path, $"{DateTime.UtcNow:O} {TestContext.Current.Test?.TestDisplayName}: {line}{Environment.NewLine}");
        }
    }
}
