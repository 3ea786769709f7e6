using RocketTax.Testing;

namespace RocketTax.RocketMQ.Broker.Tests.Messaging;

/// <summary>A broker that refuses bodies over 1 KiB and invisible durations under 1 s, for the bad-input tests.</summary>
public sealed class SmallMessagesBrokerFixture : BrokerFixture
{
    public const int MaxMessageSize = 1024;

    protected override BrokerOptions Options => new()
    {
        ExtraProperties = new Dictionary<string, string>
        {
            ["maxMessageSize"] = MaxMessageSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["minInvisibleTimeMillsForRecv"] = "1000",
        },
    };
}
