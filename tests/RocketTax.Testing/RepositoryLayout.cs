namespace RocketTax.Testing;

/// <summary>Where things live in the source tree, found from the test binaries' folder.</summary>
public static class RepositoryLayout
{
    /// <summary>The folder holding <c>RocketTax.sln</c>, or null when the tests run outside a checkout.</summary>
    public static DirectoryInfo? FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "RocketTax.sln")))
            {
                return dir;
            }
        }

        return null;
    }

    /// <summary><c>tests/compat/node</c>: the official Node.js client's compat scripts.</summary>
    public static string? NodeCompatDirectory =>
        FindRoot() is { } root ? Path.Combine(root.FullName, "tests", "compat", "node") : null;

    /// <summary>
    /// The broker's entry assembly. The test project references the broker project, so a copy sits beside
    /// the tests; the broker's own bin folder is the fallback.
    /// </summary>
    public static string BrokerAssembly
    {
        get
        {
            var besideTests = Path.Combine(AppContext.BaseDirectory, "rocketmq.dll");
            if (File.Exists(besideTests) && File.Exists(Path.ChangeExtension(besideTests, ".runtimeconfig.json")))
            {
                return besideTests;
            }

#if DEBUG
            const string configuration = "Debug";
#else
            const string configuration = "Release";
#endif
            var root = FindRoot()
                ?? throw new FileNotFoundException($"rocketmq.dll is not in {AppContext.BaseDirectory} and no RocketTax.sln was found above it.");
            var inBrokerBin = Path.Combine(root.FullName, "platform", "RocketMQ", "RocketTax.RocketMQ.Broker",
                "bin", configuration, "net10.0", "rocketmq.dll");
            return File.Exists(inBrokerBin)
                ? inBrokerBin
                : throw new FileNotFoundException(
                    $"rocketmq.dll was found neither in {AppContext.BaseDirectory} nor at {inBrokerBin}; " +
                    "build it with 'dotnet build tests/RocketTax.RocketMQ.Broker.Tests'.");
        }
    }
}
