using System.Globalization;

namespace RocketTax.Testing;

/// <summary>
/// The seed's 2m-noslave cluster as four processes on loopback: two name servers and the masters broker-a and
/// broker-b of <c>DefaultCluster</c>, registered with both. Ready once <c>clusterList</c> would show both brokers.
/// </summary>
public class ClusterFixture : IAsyncLifetime
{
    public NameServerProcess NameServer1 { get; private set; } = null!;

    public NameServerProcess NameServer2 { get; private set; } = null!;

    public BrokerProcess BrokerA { get; private set; } = null!;

    public BrokerProcess BrokerB { get; private set; } = null!;

    /// <summary><c>ns1;ns2</c>, as namesrvAddr and mqadmin -n take it.</summary>
    public string NamesrvAddr => $"{NameServer1.Address};{NameServer2.Address}";

    public async ValueTask InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var ct = timeout.Token;
        NameServer1 = await NameServerProcess.StartNewAsync(ct);
        NameServer2 = await NameServerProcess.StartNewAsync(ct);
        BrokerA = await BrokerProcess.StartNewAsync(BrokerOptionsFor("broker-a"), ct);
        BrokerB = await BrokerProcess.StartNewAsync(BrokerOptionsFor("broker-b"), ct);
        await WaitUntilRegisteredAsync(ct);
    }

    public virtual async ValueTask DisposeAsync()
    {
        foreach (var broker in new[] { BrokerA, BrokerB })
        {
            if (broker is not null)
            {
                await broker.DisposeAsync();
            }
        }

        foreach (var nameServer in new[] { NameServer1, NameServer2 })
        {
            if (nameServer is not null)
            {
                await nameServer.DisposeAsync();
            }
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>The seed's broker-*.properties keys, with this machine's ports and both name servers.</summary>
    protected virtual BrokerOptions BrokerOptionsFor(string brokerName) => new()
    {
        ExtraProperties = new Dictionary<string, string>
        {
            ["brokerName"] = brokerName,
            ["namesrvAddr"] = NamesrvAddr,
            ["registerNameServerPeriod"] = 2_000.ToString(CultureInfo.InvariantCulture),
        },
    };

    private async Task WaitUntilRegisteredAsync(CancellationToken cancellationToken)
    {
        MqAdminResult? last = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            last = await MqAdmin.RunAsync(cancellationToken, null, "clusterList", "-n", NamesrvAddr);
            if (last.ExitCode == 0 && last.StdOut.Contains("broker-a", StringComparison.Ordinal) && last.StdOut.Contains("broker-b", StringComparison.Ordinal))
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }

        throw new TimeoutException($"broker-a and broker-b did not both register with the name servers. Last clusterList: {last}");
    }
}
