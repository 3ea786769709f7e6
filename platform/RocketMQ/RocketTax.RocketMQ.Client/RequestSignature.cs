using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace RocketTax.RocketMQ.Client;

/// <summary>
/// How a gRPC request proves its account to a broker with <c>aclEnable=true</c>: the <c>authorization</c> header carries
/// the hex HMAC-SHA1, under the secret key, of the request's <c>x-mq-date-time</c> header.
/// </summary>
public static class RequestSignature
{
    public const string DateTimeHeader = "x-mq-date-time";
    public const string AuthorizationHeader = "authorization";

    /// <summary>The <c>x-mq-date-time</c> value of a request made at <paramref name="utc"/>.</summary>
    public static string DateTime(DateTime utc) => utc.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    /// <summary>The <c>authorization</c> value of a request whose <c>x-mq-date-time</c> is <paramref name="dateTime"/>.</summary>
    public static string Authorization(string accessKey, ReadOnlySpan<byte> secretKey, string dateTime)
    {
        var signature = Convert.ToHexString(HMACSHA1.HashData(secretKey, Encoding.UTF8.GetBytes(dateTime)));
        return $"MQv2-HMAC-SHA1 Credential={accessKey}, SignedHeaders={DateTimeHeader}, Signature={signature}";
    }
}
