namespace RocketTax.Testing;

/// <summary>What one <c>mqadmin</c> run printed, and its exit code.</summary>
public sealed record MqAdminResult(int ExitCode, string StdOut, string StdErr)
{
    /// <summary>The non-empty stdout lines.</summary>
    public IReadOnlyList<string> Lines => StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{StdOut}\n--- stderr ---\n{StdErr}";
}
