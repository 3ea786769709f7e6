using Microsoft.FluentUI.AspNetCore.Components;

namespace RocketTax.RocketMQ.Console.Components;

/// <summary>The console's pages: Blazor with server interactivity and the Fluent UI components, the look of the Aspire dashboard.</summary>
public static class ConsoleComponentsExtensions
{
    public static WebApplicationBuilder AddConsoleComponents(this WebApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddFluentUIComponents();
        return builder;
    }

    public static WebApplication MapConsoleComponents(this WebApplication app)
    {
        app.MapStaticAssets();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
