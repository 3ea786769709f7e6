using System.Text;
using Grpc.Core;

namespace RocketTax.RocketMQ.Client.Session;

/// <summary>The <c>x-mq-*</c> headers of every request, signed when credentials are set.</summary>
internal sealed class RequestMetadata(RocketMQClientOptions options, string clientId, RequestIds requestIds, TimeProvider time)
{
    /// <summary>
    /// The language header. The proxy maps it onto RocketMQ's <c>LanguageCode</c>, whose .NET member is
    /// <c>DOTNET</c> (the protocol's <c>Language</c> enum, used in the user agent, says <c>DOT_NET</c>).
    /// </summary>
    public const string Language = "DOTNET";

    private readonly byte[]? _secret = string.IsNullOrEmpty(options.SecretKey) ? null : Encoding.UTF8.GetBytes(options.SecretKey);

    /// <summary>The date header and its signature change once a second; every call of that second reuses them.</summary>
    private Stamp? _stamp;

    /// <summary>Fresh headers: a new request id, the current date, and a signature over that date.</summary>
    public Metadata Create()
    {
        var stamp = CurrentStamp();
        var metadata = new Metadata
        {
            { "x-mq-client-id", clientId },
            { "x-mq-language", Language },
            { "x-mq-client-version", ClientIdentity.Version },
            { "x-mq-protocol-version", "v2" },
            { "x-mq-protocol", "v2" },
            { "x-mq-request-id", requestIds.Next() },
            { RequestSignature.DateTimeHeader, stamp.DateTime },
        };
        if (!string.IsNullOrEmpty(options.Namespace))
        {
            metadata.Add("x-mq-namespace", options.Namespace);
        }

        if (stamp.Authorization is { } authorization)
        {
            metadata.Add(RequestSignature.AuthorizationHeader, authorization);
        }

        return metadata;
    }

    private Stamp CurrentStamp()
    {
        var now = time.GetUtcNow().UtcDateTime;
        var second = now.Ticks / TimeSpan.TicksPerSecond;
        var stamp = Volatile.Read(ref _stamp);
        if (stamp?.Second == second)
        {
            return stamp;
        }

        var dateTime = RequestSignature.DateTime(now);
        var authorization = _secret is null ? null : RequestSignature.Authorization(options.AccessKey!, _secret, dateTime);

        stamp = new Stamp(second, dateTime, authorization);
        Volatile.Write(ref _stamp, stamp);
        return stamp;
    }

    private sealed record Stamp(long Second, string DateTime, string? Authorization);
}
