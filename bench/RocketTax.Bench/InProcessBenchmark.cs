using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace RocketTax.Bench;

/// <summary>How the bench runs its BenchmarkDotNet classes: a short run in this process, with the memory diagnoser.</summary>
public static class InProcessBenchmark
{
    /// <summary>Runs <typeparamref name="TBenchmark"/> and prints BenchmarkDotNet's table (time and allocated bytes per operation).</summary>
    public static void Run<TBenchmark>(string artifactsPath)
    {
        var config = ManualConfig.CreateMinimumViable()
            .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance))
            .AddDiagnoser(MemoryDiagnoser.Default)
            .WithArtifactsPath(artifactsPath);
        BenchmarkRunner.Run<TBenchmark>(config);
    }
}
