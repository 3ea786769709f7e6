using RocketTax.RocketMQ.Remoting;

namespace RocketTax.RocketMQ.Broker.Remoting;

/// <summary>Serves some request codes of a <see cref="RemotingServer"/> (RocketMQ's <c>NettyRequestProcessor</c>).</summary>
public interface IRemotingRequestProcessor
{
    /// <summary>The request codes this processor answers.</summary>
    IReadOnlyCollection<int> RequestCodes { get; }

    /// <summary>Answers <paramref name="request"/>; the server sets the opaque and flag and drops the answer of a oneway request.</summary>
    ValueTask<RemotingCommand> ProcessAsync(RemotingCommand request, string peer, CancellationToken cancellationToken);
}
