using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace RocketTax.Tests;

/// <summary>A <see cref="ResourceNotificationService"/> outside an app, for tests of the integration's code that publishes to it.</summary>
internal static class StandaloneNotifications
{
    public static ResourceNotificationService Create() =>
        new(NullLogger<ResourceNotificationService>.Instance, new StoppedNever(), new EmptyServices(), new ResourceLoggerService());

    private sealed class StoppedNever : IHostApplicationLifetime
    {
        public CancellationToken ApplicationStarted => CancellationToken.None;
        public CancellationToken ApplicationStopping => CancellationToken.None;
        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication()
        {
        }
    }

    private sealed class EmptyServices : IServiceProvider
    {
        public object? GetService(Type serviceType) => null;
    }
}
