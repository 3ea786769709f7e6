namespace RocketTax.Testing;

/// <summary>A compat script failed or overran its deadline; the message carries the tail of its stderr.</summary>
public sealed class NodeScriptException(string message, int? exitCode) : Exception(message)
{
    /// <summary>The script's exit code; null when the test killed it on timeout.</summary>
    public int? ExitCode { get; } = exitCode;
}
