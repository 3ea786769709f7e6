using RocketTax.RocketMQ.Broker.Tests.Messaging;
using RocketTax.Testing;

namespace RocketTax.RocketMQ.Broker.Tests.MessageTypes;

/// <summary>One broker with short transaction checks and a one-hour delay limit, so the tests run in seconds.</summary>
public sealed class MessageTypesBrokerFixture : BrokerFixture
{
    public const int TransactionCheckMax = 2;

    protected override BrokerOptions Options => new()
    {
        ExtraProperties = new Dictionary<string, string>
        {
            ["timerMaxDelaySec"] = "3600",
            ["transactionTimeOut"] = "1000",
            ["transactionCheckInterval"] = "1000",
            ["transactionCheckMax"] = TransactionCheckMax.ToString(System.Globalization.CultureInfo.InvariantCulture),
        },
    };
}
