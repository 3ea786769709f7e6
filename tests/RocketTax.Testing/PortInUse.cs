namespace RocketTax.Testing;

/// <summary>Recognises the line <c>rocketmq.dll</c> prints when a port it was given is taken (mqbroker and mqnamesrv alike).</summary>
public static class PortInUse
{
    /// <summary>True for the broker's and name server's "port N ... is already in use" line.</summary>
    public static bool IsReported(string logLine) =>
        logLine.Contains("is already in use", StringComparison.OrdinalIgnoreCase) ||
        logLine.Contains("address already in use", StringComparison.OrdinalIgnoreCase);
}
