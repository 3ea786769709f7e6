using System.Reflection;

namespace RocketTax.Hosting.RocketMQ;

/// <summary>Where the operator console's project is: recorded at build time, since Aspire runs a project resource from its project file.</summary>
internal static class ConsoleProject
{
    private const string MetadataKey = "RocketTax.RocketMQ.Console.ProjectPath";

    public static string Path =>
        typeof(ConsoleProject).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == MetadataKey)?.Value
            ?? throw new InvalidOperationException($"{typeof(ConsoleProject).Assembly.GetName().Name} was built without the {MetadataKey} metadata");
}
