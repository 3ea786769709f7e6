using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using RocketTax.RocketMQ.Console.Admin;

namespace RocketTax.RocketMQ.Console.Access;

/// <summary>
/// The Aspire dashboard's browser-token login: <c>/login?t=TOKEN</c> sets an auth cookie; without it every page
/// redirects to <c>/login</c> and every <c>/api</c> call answers 401.
/// </summary>
public static class BrowserTokenAccessExtensions
{
    public const string LoginPath = "/login";
    public const string CookieName = ".RocketTax.Console.Auth";
    public const string ApiPrefix = "/api";

    public static WebApplicationBuilder AddBrowserTokenAccess(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(sp =>
            sp.GetRequiredService<IOptions<ConsoleOptions>>().Value.BrowserToken is { Length: > 0 } configured
                ? new BrowserToken(configured)
                : BrowserToken.Generate());
        builder.Services.AddHostedService<LoginUrlLogger>();
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(options =>
            {
                options.Cookie.Name = CookieName;
                options.Cookie.HttpOnly = true;
                // Lax, so the cookie set at /login survives the redirect when the link was followed from another site (the dashboard).
                options.Cookie.SameSite = SameSiteMode.Lax;
                options.LoginPath = LoginPath;
                options.Events.OnRedirectToLogin = context =>
                {
                    // A script calling the API wants a status, not an HTML login page.
                    if (context.Request.Path.StartsWithSegments(ApiPrefix))
                    {
                        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                        return Task.CompletedTask;
                    }

                    context.Response.Redirect(context.RedirectUri);
                    return Task.CompletedTask;
                };
            });
        builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        return builder;
    }

    public static WebApplication UseBrowserTokenAccess(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        return app;
    }

    /// <summary><c>GET /login?t=TOKEN[&amp;ReturnUrl=/path]</c>: the right token sets the cookie and goes on; anything else shows the login form.</summary>
    public static WebApplication MapBrowserTokenLogin(this WebApplication app)
    {
        app.MapGet(LoginPath, async (HttpContext context, BrowserToken token, string? t, string? returnUrl) =>
        {
            if (!token.Matches(t))
            {
                return Results.Content(LoginForm(t is not null), "text/html; charset=utf-8", statusCode: StatusCodes.Status200OK);
            }

            var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "operator")], CookieAuthenticationDefaults.AuthenticationScheme);
            await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
            return Results.LocalRedirect(IsLocal(returnUrl) ? returnUrl! : "/");
        }).AllowAnonymous();
        return app;
    }

    private static string LoginForm(bool wrongToken) => $$"""
        <!DOCTYPE html>
        <html lang="en">
        <head><meta charset="utf-8" /><title>Log in · RocketMQ console</title>
        <style>body{font-family:'Segoe UI',system-ui,sans-serif;margin:10vh auto;max-width:28rem;color:#242424}
        input{width:100%;padding:.5rem;margin:.5rem 0;box-sizing:border-box}button{padding:.5rem 1rem;background:#0f6cbd;color:#fff;border:0;border-radius:4px}
        .error{color:#b10e1c}</style></head>
        <body>
        <h1>RocketMQ console</h1>
        <p>Open the login URL printed in the console's log (<code>Login to the RocketMQ console at .../login?t=...</code>), or paste its token here.</p>
        {{(wrongToken ? "<p class=\"error\" role=\"alert\">That token is not the console's token.</p>" : string.Empty)}}
        <form method="get" action="{{LoginPath}}">
        <label for="t">Token</label><input id="t" name="t" type="password" autocomplete="off" />
        <button type="submit">Log in</button>
        </form>
        </body></html>
        """;

    // Only a path of this site: "//host" and "/\host" would send the browser elsewhere.
    private static bool IsLocal(string? url) =>
        url is { Length: > 0 } && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'));
}
