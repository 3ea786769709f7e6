using RocketTax.RocketMQ.Remoting;

namespace RocketTax.RocketMQ.Broker.Remoting;

/// <summary>Looks at every request of a <see cref="RemotingServer"/> before its processor does (the broker's ACL; the name server has none).</summary>
public interface IRemotingRequestGuard
{
    /// <summary>The answer that refuses <paramref name="request"/>, or null to let its processor serve it.</summary>
    RemotingCommand? Refuse(RemotingCommand request, string peer);
}
