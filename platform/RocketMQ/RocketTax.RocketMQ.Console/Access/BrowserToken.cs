using System.Security.Cryptography;
using System.Text;

namespace RocketTax.RocketMQ.Console.Access;

/// <summary>The secret a browser proves it knows once, at <c>/login?t=...</c>, to get the console's auth cookie.</summary>
public sealed class BrowserToken(string value)
{
    public string Value { get; } = value;

    /// <summary>128 random bits as hex, like the Aspire dashboard's token.</summary>
    public static BrowserToken Generate() => new(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)));

    /// <summary>Compares in constant time, so response timing tells nothing about the token.</summary>
    public bool Matches(string? candidate) =>
        candidate is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(candidate), Encoding.UTF8.GetBytes(Value));
}
