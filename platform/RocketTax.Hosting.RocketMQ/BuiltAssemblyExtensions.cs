using System.Reflection;
using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting;

/// <summary>Starts a project resource from the assembly its build produced.</summary>
public static class BuiltAssemblyExtensions
{
    private const string MetadataKeyPrefix = "TargetPath:";

    /// <summary>
    /// Runs the project as <c>dotnet &lt;its built assembly&gt;</c> from its project directory, instead of Aspire's
    /// <c>dotnet run --project</c>, whose evaluation of the project costs one to two seconds of CPU at every start; on a
    /// small machine that is on the graph's critical path, since services start once what they wait for is healthy.
    /// The path is read from the metadata of the assembly that defines the project's metadata type (the AppHost, for a
    /// generated <c>Projects.*</c> type), written at build time for project references marked <c>RecordTargetPath="true"</c>
    /// (see Directory.Build.targets). Without a recorded, existing assembly the project runs as Aspire runs it.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithBuiltAssembly(this IResourceBuilder<ProjectResource> project)
    {
        ArgumentNullException.ThrowIfNull(project);
        var metadata = project.Resource.GetProjectMetadata();
        var projectPath = metadata.ProjectPath;
        var assembly = metadata.GetType().Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == MetadataKeyPrefix + projectPath)?.Value;
        if (assembly is null || !File.Exists(assembly))
        {
            return project;
        }

        // A project resource with a command of its own is started with that command and its arguments, the assembly first.
        project.WithAnnotation(
            new ExecutableAnnotation { Command = "dotnet", WorkingDirectory = Path.GetDirectoryName(projectPath)! },
            ResourceAnnotationMutationBehavior.Replace);
        return project.WithArgs(context => context.Args.Insert(0, assembly));
    }
}
