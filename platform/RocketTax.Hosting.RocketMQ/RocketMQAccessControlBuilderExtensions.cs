using System.Security.Cryptography;
using Aspire.Hosting.ApplicationModel;
using RocketTax.Hosting.RocketMQ.AccessControl;

namespace Aspire.Hosting;

/// <summary>Turns on RocketMQ's plain ACL on a cluster of the graph and gives each app an account of its own.</summary>
public static class RocketMQAccessControlBuilderExtensions
{
    /// <summary>
    /// Starts every broker with <c>aclEnable=true</c> and a generated <c>plain_acl.yml</c> holding the integration's admin account
    /// (<c>&lt;cluster&gt;-admin</c>, which signs topic creation, health checks, live figures and the dashboard's commands) and the
    /// account of each app given permissions with <see cref="WithReference{TDestination}"/>. Secrets are generated at each start unless
    /// <c>Parameters:&lt;cluster&gt;-admin-secret</c> or <c>Parameters:&lt;cluster&gt;-&lt;app&gt;-secret</c> sets them.
    /// </summary>
    public static IResourceBuilder<RocketMQClusterResource> WithAccessControl(this IResourceBuilder<RocketMQClusterResource> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var cluster = builder.Resource;
        if (cluster.Mode == RocketMQMode.External)
        {
            throw new DistributedApplicationException(
                $"'{cluster.Name}' is an external cluster, whose ACL file is not the AppHost's to write: give each app its account through " +
                $"Aspire__RocketMQ__Client__{cluster.Name}__AccessKey and __SecretKey instead of WithAccessControl()");
        }

        if (cluster.AccessControl is not null)
        {
            return builder;
        }

        cluster.AccessControl = new ClusterAccessControl(AddAccount(builder, $"{cluster.Name}-admin", $"{cluster.Name}-admin-secret", permissions: null));
        // Apps may have been given their permissions before access control was turned on (an AppHost switch, say).
        foreach (var app in builder.ApplicationBuilder.Resources.ToList())
        {
            if (app.Annotations.OfType<RocketMQPermissionsAnnotation>().LastOrDefault(a => a.Cluster == cluster) is { } declared)
            {
                AddAppAccount(builder, app, declared.Permissions);
            }
        }

        return builder;
    }

    /// <summary>
    /// References the cluster as <c>WithReference(cluster)</c> does (<c>ConnectionStrings__&lt;cluster&gt;</c>, the brokers' gRPC endpoints)
    /// and, when the cluster has access control, gives the app its own account with <paramref name="permissions"/>: access key
    /// <c>&lt;cluster&gt;-&lt;app&gt;</c> and its secret as <c>Aspire__RocketMQ__Client__&lt;cluster&gt;__AccessKey</c> and <c>__SecretKey</c>,
    /// which <c>AddRocketMQProducer</c> and <c>AddRocketMQPushConsumer</c> read. Without access control the permissions are not used.
    /// </summary>
    public static IResourceBuilder<TDestination> WithReference<TDestination>(
        this IResourceBuilder<TDestination> builder, IResourceBuilder<RocketMQClusterResource> cluster, RocketMQPermissions permissions)
        where TDestination : IResourceWithEnvironment
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(permissions);
        var resource = cluster.Resource;
        var app = builder.Resource;
        builder.WithReference(cluster).WithAnnotation(new RocketMQPermissionsAnnotation(resource, permissions));
        if (resource.AccessControl is not null)
        {
            AddAppAccount(cluster, app, permissions);
        }

        var section = $"Aspire__RocketMQ__Client__{resource.Name}__";
        return builder.WithEnvironment(context =>
        {
            if (resource.AccessControl?.Apps.GetValueOrDefault(app.Name) is { } account)
            {
                context.EnvironmentVariables[section + "AccessKey"] = account.AccessKey;
                context.EnvironmentVariables[section + "SecretKey"] = account.SecretKeyParameter;
            }
        });
    }

    private static void AddAppAccount(IResourceBuilder<RocketMQClusterResource> cluster, IResource app, RocketMQPermissions permissions)
    {
        var accessControl = cluster.Resource.AccessControl!;
        var name = $"{cluster.Resource.Name}-{app.Name}";
        accessControl.Apps[app.Name] = accessControl.Apps.TryGetValue(app.Name, out var existing)
            ? existing with { Permissions = permissions }
            : AddAccount(cluster, name, $"{name}-secret", permissions);
    }

    private static RocketMQAccount AddAccount(
        IResourceBuilder<RocketMQClusterResource> cluster, string accessKey, string parameterName, RocketMQPermissions? permissions)
    {
        if (accessKey.Length < MinKeyLength)
        {
            throw new DistributedApplicationException(
                $"access key '{accessKey}' is shorter than the {MinKeyLength} characters a broker takes: give the cluster or the app a longer resource name");
        }

        var app = cluster.ApplicationBuilder;
        var secret = app.Configuration[$"Parameters:{parameterName}"] ?? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        if (secret.Length < MinKeyLength || secret.Any(c => char.IsWhiteSpace(c) || c is '"' or '\'' or '#'))
        {
            throw new DistributedApplicationException(
                $"Parameters:{parameterName} must be at least {MinKeyLength} characters, without spaces, quotes or '#' (it is written into the brokers' ACL file)");
        }

        var parameter = app.AddParameter(parameterName, () => secret, secret: true).WithParentRelationship(cluster);
        return new RocketMQAccount(accessKey, secret, parameter.Resource, permissions);
    }

    /// <summary>The shortest access key or secret key a broker's ACL file takes.</summary>
    private const int MinKeyLength = 6;
}
