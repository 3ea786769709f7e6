namespace RocketTax.RocketMQ.Broker.Tests.Telemetry;

/// <summary>
/// Tests that start brokers and name servers with their own <c>OTEL_*</c> variables (see <see cref="ChildEnvironment"/>). They
/// run after and apart from all others, so no other test's broker starts while those variables are set.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessEnvironmentCollection
{
    public const string Name = "Process environment";
}
