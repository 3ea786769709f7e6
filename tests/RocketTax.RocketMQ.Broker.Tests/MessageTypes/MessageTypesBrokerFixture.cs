using System.Globalization;
using RocketTax.RocketMQ.Broker.Tests.Messaging;
using RocketTax.Testing;

namespace RocketTax.RocketMQ.Broker.Tests.MessageTypes;

/// <summary>One broker with short transaction checks and a one-hour delay limit, so the tests run in seconds.</summary>
public sealed class MessageTypesBrokerFixture : BrokerFixture
{
    public const int TransactionCheckMax = 2;

    protected override BrokerOptions Options => new() { ExtraProperties = Properties(TransactionCheckMax) };

    /// <summary>The broker.properties of message-type tests: checks a second after the send and every second after that.</summary>
    public static Dictionary<string, string> Properties(int transactionCheckMax) => new()
    {
        ["timerMaxDelaySec"] = "3600",
        ["transactionTimeOut"] = "1000",
        ["transactionCheckInterval"] = "1000",
        ["transactionCheckMax"] = transactionCheckMax.ToString(CultureInfo.InvariantCulture),
    };
}
