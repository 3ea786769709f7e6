using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using RocketTax.RocketMQ.Broker.Configuration;

namespace RocketTax.RocketMQ.Broker.Hosting;

/// <summary>Who this broker is on the network: its name, cluster and advertised addresses.</summary>
public sealed class BrokerIdentity
{
    public BrokerIdentity(BrokerConfig config)
    {
        BrokerName = config.BrokerName;
        ClusterName = config.BrokerClusterName;
        AdvertisedHostConfigured = config.BrokerIP1 is not null;
        AdvertisedHost = config.BrokerIP1 ?? FirstIPv4() ?? "127.0.0.1";
        GrpcPort = config.GrpcServerPort;
        RemotingAddress = $"{AdvertisedHost}:{config.ListenPort}";
    }

    public string BrokerName { get; }

    public string ClusterName { get; }

    /// <summary>The host clients reach this broker at (<c>brokerIP1</c>, else the machine's first IPv4 address).</summary>
    public string AdvertisedHost { get; }

    /// <summary>True when <c>brokerIP1</c> was set; otherwise routes answer with the host the client itself dialled.</summary>
    public bool AdvertisedHostConfigured { get; }

    public int GrpcPort { get; }

    /// <summary><c>ip:listenPort</c>, the address RocketMQ prints at boot and records as each message's store host.</summary>
    public string RemotingAddress { get; }

    private static string? FirstIPv4()
    {
        try
        {
            foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
            {
                if (nic.OperationalStatus != OperationalStatus.Up || nic.NetworkInterfaceType == NetworkInterfaceType.Loopback)
                {
                    continue;
                }

                foreach (var address in nic.GetIPProperties().UnicastAddresses)
                {
                    if (address.Address.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(address.Address))
                    {
                        return address.Address.ToString();
                    }
                }
            }
        }
        catch (NetworkInformationException)
        {
            // No interface list (some containers): fall back to loopback.
        }

        return null;
    }
}
