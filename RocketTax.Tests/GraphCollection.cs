namespace RocketTax.Tests;

/// <summary>Graphs run one at a time: each is seven processes, and the machines these run on have two cores.</summary>
[CollectionDefinition(nameof(GraphCollection), DisableParallelization = true)]
public sealed class GraphCollection;
