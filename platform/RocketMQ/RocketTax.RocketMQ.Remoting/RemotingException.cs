namespace RocketTax.RocketMQ.Remoting;

/// <summary>A remote call that did not get an answer: connection refused or lost, or timed out. The message names the address.</summary>
public sealed class RemotingException(string address, string message, Exception? inner = null)
    : Exception($"{address}: {message}", inner)
{
    /// <summary>The <c>host:port</c> the call was sent to.</summary>
    public string Address { get; } = address;
}
