using System.Reflection;
using Aspire.Hosting;

namespace RocketTax.Hosting.RocketMQ;

/// <summary>
/// The operator console's project, recorded at build time since Aspire finds a project resource by its project file.
/// This library's build builds the console too (and records its assembly: WithBuiltAssembly), so the resource never
/// builds it again: a build check at every start would cost seconds of CPU while the services start beside it.
/// </summary>
internal sealed class ConsoleProject : IProjectMetadata
{
    private const string MetadataKey = "RocketTax.RocketMQ.Console.ProjectPath";

    public string ProjectPath =>
        typeof(ConsoleProject).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == MetadataKey)?.Value
            ?? throw new InvalidOperationException($"{typeof(ConsoleProject).Assembly.GetName().Name} was built without the {MetadataKey} metadata");

    public bool SuppressBuild => true;
}
