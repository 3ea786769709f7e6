using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RocketTax.RocketMQ.Console.Access;
using RocketTax.RocketMQ.Console.Admin;
using RocketTax.Testing;

namespace RocketTax.RocketMQ.Console.Tests;

/// <summary>Without a configured token the console makes one and prints the URL that logs in with it, as the Aspire dashboard does.</summary>
public sealed partial class LoginUrlTests(ConsoleFixture fixture)
{
    [GeneratedRegex(@"Login to the RocketMQ console at (?<url>http://\S+/login\?t=(?<token>[0-9a-f]{32}))$")]
    private static partial Regex LoginLine();

    [Fact]
    public async Task A_generated_token_is_printed_as_a_login_url_that_works()
    {
        var ct = TestContext.Current.CancellationToken;
        var logs = new LogCapture();
        await using var console = new WebApplicationFactory<ConsoleOptions>().WithWebHostBuilder(web =>
        {
            web.UseUrls($"http://127.0.0.1:{FreePort.Next()}");
            web.UseSetting("ConnectionStrings:rocketmq", fixture.Cluster.NamesrvAddr);
            web.ConfigureLogging(logging => logging.AddProvider(logs));
        });
        console.UseKestrel();
        console.StartServer();

        var line = Assert.Single(logs.Lines.Select(l => LoginLine().Match(l)), m => m.Success);
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false });
        using var login = await client.GetAsync(line.Groups["url"].Value, ct);

        Assert.Equal(console.Services.GetRequiredService<BrowserToken>().Value, line.Groups["token"].Value);
        Assert.NotEqual(ConsoleFixture.Token, line.Groups["token"].Value);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Contains(login.Headers.GetValues("Set-Cookie"), c => c.StartsWith(BrowserTokenAccessExtensions.CookieName + "=", StringComparison.Ordinal));
    }
}
