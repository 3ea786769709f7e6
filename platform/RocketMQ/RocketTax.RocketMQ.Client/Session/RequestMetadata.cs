using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Grpc.Core;

namespace RocketTax.RocketMQ.Client.Session;

/// <summary>The <c>x-mq-*</c> headers of every request, signed when credentials are set.</summary>
internal sealed class RequestMetadata(RocketMQClientOptions options, string clientId, TimeProvider time)
{
    /// <summary>
    /// The language header. The proxy maps it onto RocketMQ's <c>LanguageCode</c>, whose .NET member is
    /// <c>DOTNET</c> (the protocol's <c>Language</c> enum, used in the user agent, says <c>DOT_NET</c>).
    /// </summary>
    public const string Language = "DOTNET";

    private readonly byte[]? _secret = string.IsNullOrEmpty(options.SecretKey) ? null : Encoding.UTF8.GetBytes(options.SecretKey);

    /// <summary>Fresh headers: a new request id and date, and a signature over that date.</summary>
    public Metadata Create()
    {
        var dateTime = time.GetUtcNow().UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var metadata = new Metadata
        {
            { "x-mq-client-id", clientId },
            { "x-mq-language", Language },
            { "x-mq-client-version", ClientIdentity.Version },
            { "x-mq-protocol-version", "v2" },
            { "x-mq-protocol", "v2" },
            { "x-mq-request-id", Guid.NewGuid().ToString() },
            { "x-mq-date-time", dateTime },
        };
        if (!string.IsNullOrEmpty(options.Namespace))
        {
            metadata.Add("x-mq-namespace", options.Namespace);
        }

        if (_secret is not null)
        {
            var signature = Convert.ToHexString(HMACSHA1.HashData(_secret, Encoding.UTF8.GetBytes(dateTime)));
            metadata.Add("authorization", $"MQv2-HMAC-SHA1 Credential={options.AccessKey}, SignedHeaders=x-mq-date-time, Signature={signature}");
        }

        return metadata;
    }
}
