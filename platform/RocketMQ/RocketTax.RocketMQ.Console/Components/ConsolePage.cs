using Microsoft.AspNetCore.Components;
using RocketTax.RocketMQ.Remoting;
using RocketTax.RocketMQ.Remoting.Admin;

namespace RocketTax.RocketMQ.Console.Components;

/// <summary>
/// What every console page shares: one call at a time, and a failed call (a server that does not answer, an unknown
/// topic) shown as a message on the page instead of breaking the circuit.
/// </summary>
public abstract class ConsolePage : ComponentBase, IDisposable
{
    private readonly CancellationTokenSource _disposed = new();

    /// <summary>Why the last call failed, in the admin client's words; null after a call that worked.</summary>
    protected string? Error { get; set; }

    protected bool Busy { get; private set; }

    /// <summary>Runs <paramref name="call"/>; true when it worked, false (with <see cref="Error"/> set) when the cluster refused or did not answer.</summary>
    protected async Task<bool> RunAsync(Func<CancellationToken, Task> call)
    {
        Busy = true;
        Error = null;
        try
        {
            await call(_disposed.Token);
            return true;
        }
        catch (Exception ex) when (ex is AdminException or RemotingException or RemotingProtocolException)
        {
            Error = ex.Message;
            return false;
        }
        finally
        {
            Busy = false;
        }
    }

    public void Dispose()
    {
        _disposed.Cancel();
        _disposed.Dispose();
        GC.SuppressFinalize(this);
    }
}
