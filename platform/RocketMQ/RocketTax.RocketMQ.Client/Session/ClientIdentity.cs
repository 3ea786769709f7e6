using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;

namespace RocketTax.RocketMQ.Client.Session;

/// <summary>Who this client is on the wire: its id (<c>host@pid@index@time</c>, the official format) and version.</summary>
internal static class ClientIdentity
{
    /// <summary>The version sent as <c>x-mq-client-version</c> and in the user agent.</summary>
    public static string Version { get; } =
        typeof(ClientIdentity).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(ClientIdentity).Assembly.GetName().Version?.ToString() ?? "0.0.0";

    /// <summary>The host name, as producers report it in <c>born_host</c>.</summary>
    public static string HostName { get; } = SafeHostName();

    /// <summary>A new client id; the index is random so that two clients in one process never share an id.</summary>
    public static string NewClientId(TimeProvider time) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{HostName}@{Environment.ProcessId}@{RandomNumberGenerator.GetInt32(int.MaxValue)}@{ToBase36(time.GetUtcNow().ToUnixTimeMilliseconds())}");

    private static string SafeHostName()
    {
        try
        {
            return Environment.MachineName;
        }
        catch (InvalidOperationException)
        {
            return "localhost";
        }
    }

    private static string ToBase36(long value)
    {
        const string digits = "0123456789abcdefghijklmnopqrstuvwxyz";
        Span<char> buffer = stackalloc char[16];
        var position = buffer.Length;
        do
        {
            buffer[--position] = digits[(int)(value % 36)];
            value /= 36;
        }
        while (value > 0);
        return new string(buffer[position..]);
    }
}
