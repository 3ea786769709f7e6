using Microsoft.Extensions.Configuration;

var builder = DistributedApplication.CreateBuilder(args);

// Everything the graph stores lives under the repository's .rockettax/ (tests point RocketTax:DataPath at a temp dir).
var data = builder.Configuration["RocketTax:DataPath"] ?? Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", ".rockettax"));

// The seed's 2m-noslave cluster: namesrv1, namesrv2, broker-a, broker-b (--rocketmq-mode embedded|container|external),
// and its operator console (rocketmq-console), linked from the cluster resource.
var rocketmq = builder.AddRocketMQ("rocketmq")
    .WithDataBindMount(Path.Combine(data, "data"))
    .WithTopic("tax-data-topic", queues: 4)
    .WithConsole();

// Off by default; RocketMQ__AccessControl=true starts the brokers with RocketMQ's plain ACL and gives each service its own account.
if (builder.Configuration.GetValue("RocketMQ:AccessControl", false))
{
    rocketmq.WithAccessControl();
}

// The services start from their built assemblies (no `dotnet run` at each start) once the cluster is healthy.
builder.AddProject<Projects.RocketTax_CityTax>("citytax")
    .WithBuiltAssembly()
    .WithEnvironment("TaxReporting__OutboxPath", Path.Combine(data, "citytax", "outbox.db"))
    .WithHttpHealthCheck("/health")
    .WithReference(rocketmq, new RocketMQPermissions().Publish("tax-data-topic"))
    .WaitFor(rocketmq);

builder.AddProject<Projects.RocketTax_ProvinceTax>("provincetax")
    .WithBuiltAssembly()
    .WithEnvironment("TaxReports__DatabasePath", Path.Combine(data, "provincetax", "reports.db"))
    .WithHttpHealthCheck("/health")
    .WithReference(rocketmq, new RocketMQPermissions().Subscribe("tax-data-topic", "consumer-group"))
    .WaitFor(rocketmq);

builder.Build().Run();
