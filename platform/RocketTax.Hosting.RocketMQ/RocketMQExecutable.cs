using RocketTax.RocketMQ.Broker.Remoting;

namespace RocketTax.Hosting.RocketMQ;

/// <summary>Where embedded mode finds RocketTax's broker executable: <c>rocketmq.dll</c>, copied beside this assembly by the project reference.</summary>
internal static class RocketMQExecutable
{
    public static string DllPath => typeof(RemotingServer).Assembly.Location;
}
