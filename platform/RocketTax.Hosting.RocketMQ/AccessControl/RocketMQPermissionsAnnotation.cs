using Aspire.Hosting.ApplicationModel;

namespace RocketTax.Hosting.RocketMQ.AccessControl;

/// <summary>On an app: the permissions it asked for on <see cref="Cluster"/>, kept so that access control turned on later still gives it its account.</summary>
internal sealed record RocketMQPermissionsAnnotation(RocketMQClusterResource Cluster, RocketMQPermissions Permissions) : IResourceAnnotation;
