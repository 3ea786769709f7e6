using Microsoft.Playwright;

namespace RocketTax.Testing;

/// <summary>The browser the browser tests drive: Debian's Chromium, never a downloaded one, so the tests need no network.</summary>
public static class Chromium
{
    public const string ExecutablePath = "/usr/bin/chromium";

    /// <summary>Starts headless Chromium; call <see cref="Require"/> first.</summary>
    public static Task<IBrowser> LaunchAsync(IPlaywright playwright) =>
        playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            // No sandbox: CI runs as root in a container, where Chromium's sandbox cannot start; no GPU there either.
            Args = ["--no-sandbox", "--disable-gpu"],
        });

    /// <summary>Skips the calling test when Chromium is missing, or fails it when <c>ROCKETTAX_REQUIRE_BROWSER=1</c> says it must run.</summary>
    public static void Require()
    {
        if (File.Exists(ExecutablePath))
        {
            return;
        }

        var reason = $"Chromium is not installed at {ExecutablePath} (apt-get install -y chromium)";
        Assert.False(Environment.GetEnvironmentVariable("ROCKETTAX_REQUIRE_BROWSER") == "1", $"{reason}, and ROCKETTAX_REQUIRE_BROWSER=1 requires the browser tests to run");
        Assert.Skip(reason);
    }
}
