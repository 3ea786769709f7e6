using Aspire.Hosting.ApplicationModel;

namespace RocketTax.Hosting.RocketMQ;

/// <summary>Reads the host port an endpoint was declared with (known from the build, before DCP allocates anything).</summary>
internal static class EndpointPorts
{
    public static int HostPort(this IResourceWithEndpoints resource, string endpointName) =>
        resource.Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == endpointName).Port
        ?? throw new InvalidOperationException($"endpoint '{endpointName}' of '{resource.Name}' has no host port");
}
