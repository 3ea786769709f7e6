using System.Security.Cryptography;
using Encoding = System.Text.Encoding;

namespace RocketTax.RocketMQ.Remoting;

/// <summary>
/// How RocketMQ's plain ACL signs a remoting request: the header carries <c>AccessKey</c> (and <c>SecurityToken</c>
/// when there is one) and <c>Signature</c> = Base64(HMAC-SHA1(secretKey, content)), where content is the UTF-8 of
/// the values of every other header field, in the ordinal order of their names, followed by the body.
/// </summary>
public static class RemotingSignature
{
    public const string AccessKeyField = "AccessKey";
    public const string SignatureField = "Signature";
    public const string SecurityTokenField = "SecurityToken";

    /// <summary>Adds the credentials' fields and the signature over them and everything else the request carries.</summary>
    public static void Sign(RemotingCommand request, RemotingCredentials credentials)
    {
        request.ExtFields ??= new Dictionary<string, string>(StringComparer.Ordinal);
        request.ExtFields[AccessKeyField] = credentials.AccessKey;
        if (credentials.SecurityToken is { } token)
        {
            request.ExtFields[SecurityTokenField] = token;
        }

        request.ExtFields[SignatureField] = Convert.ToBase64String(Compute(request, credentials.SecretKey));
    }

    /// <summary>The HMAC-SHA1 of <paramref name="request"/>'s content under <paramref name="secretKey"/>.</summary>
    public static byte[] Compute(RemotingCommand request, string secretKey) =>
        HMACSHA1.HashData(Encoding.UTF8.GetBytes(secretKey), Content(request));

    /// <summary>What is signed: the header values but the signature's, ordered by name (ordinal, as Java sorts strings), then the body.</summary>
    public static byte[] Content(RemotingCommand request)
    {
        var values = string.Concat((request.ExtFields ?? [])
            .Where(field => field.Key != SignatureField)
            .OrderBy(field => field.Key, StringComparer.Ordinal)
            .Select(field => field.Value));
        var header = Encoding.UTF8.GetBytes(values);
        return request.Body is { Length: > 0 } body ? [.. header, .. body] : header;
    }
}
