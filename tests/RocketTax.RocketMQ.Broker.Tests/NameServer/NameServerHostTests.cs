using Microsoft.Extensions.Configuration;
using RocketTax.RocketMQ.Broker.NameServer;

namespace RocketTax.RocketMQ.Broker.Tests.NameServer;

/// <summary>How the name server's host is built: settings read once, no file watch on its working directory.</summary>
public sealed class NameServerHostTests
{
    [Fact]
    public void Host_reads_appsettings_without_watching_them_for_changes()
    {
        var builder = NameServerHost.CreateBuilder();

        var files = ((IConfigurationBuilder)builder.Configuration).Sources.OfType<FileConfigurationSource>().ToList();

        // appsettings.json and appsettings.{environment}.json are still read, optional as before.
        Assert.NotEmpty(files);
        Assert.All(files, file => Assert.False(file.ReloadOnChange, $"{file.Path} is watched for changes"));
    }
}
