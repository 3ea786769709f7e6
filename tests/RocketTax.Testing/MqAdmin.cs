using System.Diagnostics;

namespace RocketTax.Testing;

/// <summary>Runs <c>dotnet rocketmq.dll mqadmin ...</c> as a user would, with a deadline.</summary>
public static class MqAdmin
{
    /// <summary>Runs one command; kills it and throws <see cref="TimeoutException"/> when it outlives <paramref name="timeout"/> (30 s by default).</summary>
    public static async Task<MqAdminResult> RunAsync(CancellationToken cancellationToken, TimeSpan? timeout, params string[] args)
    {
        using var process = new Process { StartInfo = RocketMQProcessHost.StartInfo(Path.GetTempPath(), ["mqadmin", .. args]) };
        process.Start();
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout ?? TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"mqadmin {string.Join(' ', args)} did not finish in time and was killed");
        }

        var result = new MqAdminResult(process.ExitCode, await stdout, await stderr);
        TestContext.Current.TestOutputHelper?.WriteLine($"$ mqadmin {string.Join(' ', args)}\n{result}");
        return result;
    }
}
