using RocketTax.Hosting.RocketMQ.AccessControl;
using RocketTax.RocketMQ.Broker.Security;

namespace RocketTax.Tests;

/// <summary>What <c>WithAccessControl()</c> and <c>WithReference(cluster, permissions)</c> put into the graph, without starting it.</summary>
public sealed class AccessControlModelTests : IDisposable
{
    private readonly string _dataPath = Directory.CreateTempSubdirectory("rockettax-acl-").FullName;

    [Fact(Timeout = 30_000)]
    public async Task Each_app_gets_its_own_account_in_the_acl_file_and_its_environment_whatever_the_order_of_declaration()
    {
        var builder = CreateBuilder();
        var rocketmq = builder.AddRocketMQ("rocketmq", RocketMQMode.Embedded);
        var city = builder.AddExecutable("citytax", "dotnet", ".").WithReference(rocketmq, new RocketMQPermissions().Publish("tax-data-topic"));
        rocketmq.WithAccessControl();
        var province = builder.AddExecutable("provincetax", "dotnet", ".")
            .WithReference(rocketmq, new RocketMQPermissions().Subscribe("tax-data-topic", "consumer-group").Publish("audit-topic"));

        var accessControl = rocketmq.Resource.AccessControl!;
        await AclFile.WriteAsync(rocketmq.Resource, accessControl, TestContext.Current.CancellationToken);
        var acl = PlainAclFile.Load(AclFile.PathFor(rocketmq.Resource), warning => Assert.Fail(warning));

        var admin = acl.Accounts["rocketmq-admin"];
        Assert.True(admin.Admin);
        Assert.Equal(accessControl.Admin.SecretKey, admin.SecretKey);
        var cityAccount = acl.Accounts["rocketmq-citytax"];
        Assert.False(cityAccount.Admin);
        Assert.Equal(AclPermission.Pub, cityAccount.TopicPerm("tax-data-topic"));
        Assert.Equal(AclPermission.Deny, cityAccount.TopicPerm("audit-topic"));
        Assert.Equal(AclPermission.Deny, cityAccount.GroupPerm("consumer-group"));
        var provinceAccount = acl.Accounts["rocketmq-provincetax"];
        Assert.Equal(AclPermission.Sub, provinceAccount.TopicPerm("tax-data-topic"));
        Assert.Equal(AclPermission.Pub, provinceAccount.TopicPerm("audit-topic"));
        Assert.Equal(AclPermission.Sub, provinceAccount.GroupPerm("consumer-group"));
        Assert.NotEqual(cityAccount.SecretKey, provinceAccount.SecretKey);

        var environment = await EnvironmentAsync(city.Resource);
        Assert.Equal("rocketmq-citytax", environment["Aspire__RocketMQ__Client__rocketmq__AccessKey"]);
        var secret = Assert.IsType<ParameterResource>(environment["Aspire__RocketMQ__Client__rocketmq__SecretKey"]);
        Assert.True(secret.Secret);
        Assert.Equal(cityAccount.SecretKey, await secret.GetValueAsync(TestContext.Current.CancellationToken));
        Assert.Contains("Aspire__RocketMQ__Client__rocketmq__SecretKey", (await EnvironmentAsync(province.Resource)).Keys);
    }

    [Fact(Timeout = 30_000)]
    public async Task Without_access_control_the_permissions_add_no_account_and_brokers_run_without_acl()
    {
        var builder = CreateBuilder();
        var rocketmq = builder.AddRocketMQ("rocketmq", RocketMQMode.Embedded);
        var city = builder.AddExecutable("citytax", "dotnet", ".").WithReference(rocketmq, new RocketMQPermissions().Publish("tax-data-topic"));

        Assert.Null(rocketmq.Resource.AccessControl);
        Assert.DoesNotContain(builder.Resources, r => r is ParameterResource);
        Assert.DoesNotContain("Aspire__RocketMQ__Client__rocketmq__AccessKey", (await EnvironmentAsync(city.Resource)).Keys);
        Assert.Contains("ConnectionStrings__rocketmq", (await EnvironmentAsync(city.Resource)).Keys);
    }

    [Fact]
    public void A_configured_secret_is_used_and_one_the_acl_file_cannot_hold_is_refused_with_its_parameter_name()
    {
        var builder = CreateBuilder();
        builder.Configuration["Parameters:rocketmq-admin-secret"] = "admin-secret-from-config";
        var rocketmq = builder.AddRocketMQ("rocketmq", RocketMQMode.Embedded).WithAccessControl();
        Assert.Equal("admin-secret-from-config", rocketmq.Resource.AdminCredentials!.SecretKey);

        builder.Configuration["Parameters:rocketmq-citytax-secret"] = "has #comment";
        var refused = Assert.Throws<DistributedApplicationException>(() =>
            builder.AddExecutable("citytax", "dotnet", ".").WithReference(rocketmq, new RocketMQPermissions().Publish("tax-data-topic")));
        Assert.Contains("Parameters:rocketmq-citytax-secret", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_external_cluster_refuses_access_control_and_says_how_apps_get_their_keys()
    {
        var builder = CreateBuilder();
        builder.Configuration["ConnectionStrings:rocketmq"] = "127.0.0.1:8081";
        var rocketmq = builder.AddRocketMQ("rocketmq", RocketMQMode.External);

        var refused = Assert.Throws<DistributedApplicationException>(() => rocketmq.WithAccessControl());
        Assert.Contains("Aspire__RocketMQ__Client__rocketmq__AccessKey", refused.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_dataPath, recursive: true);

    private IDistributedApplicationBuilder CreateBuilder() =>
        DistributedApplication.CreateBuilder(new DistributedApplicationOptions
        {
            Args = [$"RocketMQ:DataPath={_dataPath}", "RocketMQ:RandomPorts=true"],
            DisableDashboard = true,
        });

    /// <summary>The environment a resource's callbacks produce, values unresolved (a parameter stays a parameter).</summary>
    private static async Task<Dictionary<string, object>> EnvironmentAsync(IResource resource)
    {
        var context = new EnvironmentCallbackContext(new DistributedApplicationExecutionContext(DistributedApplicationOperation.Run));
        foreach (var callback in resource.Annotations.OfType<EnvironmentCallbackAnnotation>())
        {
            await callback.Callback(context);
        }

        return context.EnvironmentVariables;
    }
}
