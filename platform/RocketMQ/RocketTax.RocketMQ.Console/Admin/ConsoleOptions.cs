namespace RocketTax.RocketMQ.Console.Admin;

/// <summary>
/// The console's settings (section <c>Console</c>); the name servers come from <c>ConnectionStrings:rocketmq</c>,
/// <c>host:port;host:port</c> of their remoting ports, as <c>mqadmin -n</c> takes them.
/// </summary>
public sealed record ConsoleOptions
{
    public const string Section = "Console";

    /// <summary>The name of the connection string holding the name servers.</summary>
    public const string ConnectionName = "rocketmq";

    /// <summary><c>host:port;host:port</c> of the name servers; settable so the connection string can fill it after binding.</summary>
    public string NameServers { get; set; } = string.Empty;

    /// <summary>The browser token; generated at start when blank, and printed in the log as a login URL.</summary>
    public string? BrowserToken { get; init; }

    /// <summary>The Aspire dashboard's base URL; when set, a message's trace id links to its trace there.</summary>
    public string? DashboardUrl { get; init; }

    /// <summary>The account the console signs its requests with, for brokers with <c>aclEnable=true</c> (an admin account, to create topics); with <see cref="SecretKey"/>.</summary>
    public string? AccessKey { get; init; }

    /// <summary>The secret of <see cref="AccessKey"/>.</summary>
    public string? SecretKey { get; init; }

    /// <summary>How long one remoting call may take before the page says which server did not answer.</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(5);
}
