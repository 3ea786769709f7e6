using Aspire.Hosting.ApplicationModel;

namespace RocketTax.Hosting.RocketMQ;

/// <summary>Keeps a cluster's node factory with the resource, so later <c>WithX</c> calls add nodes the same way.</summary>
internal sealed record ClusterNodesAnnotation(ClusterNodes Nodes) : IResourceAnnotation;
