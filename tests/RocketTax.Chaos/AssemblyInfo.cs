// Each test runs a cluster of real processes; on a 2-core machine they must take turns.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
