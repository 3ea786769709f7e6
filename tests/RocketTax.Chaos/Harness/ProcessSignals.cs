using System.ComponentModel;
using System.Runtime.InteropServices;

namespace RocketTax.Chaos.Harness;

/// <summary>Faults injected by pid: SIGSTOP freezes a process (a stall, not a crash), SIGCONT resumes it.</summary>
public static class ProcessSignals
{
    private const int SigCont = 18;
    private const int SigStop = 19;

    /// <summary>Freezes <paramref name="pid"/>: its sockets stay open but nothing answers.</summary>
    public static void Stop(int pid) => Send(pid, SigStop);

    /// <summary>Resumes a process frozen by <see cref="Stop"/>.</summary>
    public static void Continue(int pid) => Send(pid, SigCont);

    private static void Send(int pid, int signal)
    {
        if (Kill(pid, signal) != 0)
        {
            throw new Win32Exception(Marshal.GetLastPInvokeError(), $"kill({pid}, {signal}) failed");
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
