using RocketTax.Testing;

namespace RocketTax.RocketMQ.Broker.Tests.MessageTypes;

/// <summary>The classes sharing one <see cref="MessageTypesClusterFixture"/>: four processes started once, their tests run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class MessageTypesClusterCollection : ICollectionFixture<MessageTypesClusterFixture>
{
    public const string Name = "message types on two masters";
}
