using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace RocketTax.RocketMQ.Console.Access;

/// <summary>Prints the login URL with the token once the server listens, as the Aspire dashboard does.</summary>
internal sealed partial class LoginUrlLogger(IServer server, IHostApplicationLifetime lifetime, BrowserToken token, ILogger<LoginUrlLogger> logger)
    : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            foreach (var address in addresses)
            {
                LogLoginUrl($"{address.TrimEnd('/')}{BrowserTokenAccessExtensions.LoginPath}?t={token.Value}");
            }
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Login to the RocketMQ console at {LoginUrl}")]
    private partial void LogLoginUrl(string loginUrl);
}
