using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RocketTax.RocketMQ.Console.Admin;
using RocketTax.RocketMQ.Remoting;

namespace RocketTax.RocketMQ.Console.Tests;

/// <summary><c>Console:AccessKey</c> and <c>Console:SecretKey</c> make the console sign its remoting requests, for brokers with <c>aclEnable=true</c>.</summary>
public sealed class ConsoleCredentialsTests(ConsoleFixture fixture)
{
    [Fact]
    public async Task Configured_keys_sign_every_remoting_request()
    {
        await using var console = Console(("Console:AccessKey", "rocketadmin"), ("Console:SecretKey", "admin-secret"));

        Assert.Equal(new RemotingCredentials("rocketadmin", "admin-secret"), console.Services.GetRequiredService<RemotingClient>().Credentials);
    }

    [Fact]
    public async Task Without_keys_requests_are_not_signed()
    {
        await using var console = Console();

        Assert.Null(console.Services.GetRequiredService<RemotingClient>().Credentials);
    }

    [Fact]
    public async Task An_access_key_without_its_secret_stops_the_start_naming_both_settings()
    {
        await using var console = Console(("Console:AccessKey", "rocketadmin"));

        var error = Assert.Throws<OptionsValidationException>(() => console.Services);

        Assert.Contains("Console:SecretKey", error.Message, StringComparison.Ordinal);
    }

    private WebApplicationFactory<ConsoleOptions> Console(params (string Key, string Value)[] settings) =>
        new WebApplicationFactory<ConsoleOptions>().WithWebHostBuilder(web =>
        {
            web.UseSetting("ConnectionStrings:rocketmq", fixture.Cluster.NamesrvAddr);
            foreach (var (key, value) in settings)
            {
                web.UseSetting(key, value);
            }
        });
}
