using System.Globalization;
using System.Security.Cryptography;
using Encoding = System.Text.Encoding;
using Apache.Rocketmq.V2;
using Google.Protobuf;
using Grpc.Core;
using RocketTax.RocketMQ.Broker.Grpc;
using Status = Apache.Rocketmq.V2.Status;

namespace RocketTax.RocketMQ.Broker.Security;

/// <summary>
/// RocketMQ's plain ACL for gRPC requests: the <c>authorization</c> header must carry a valid
/// <c>MQv2-HMAC-SHA1</c> signature of <c>x-mq-date-time</c> by an account of the ACL file (else UNAUTHORIZED),
/// and that account must hold the permission the request needs on its topic and group (else FORBIDDEN).
/// </summary>
public sealed class AccessValidator(AclConfig acl)
{
    public const string Algorithm = "MQv2-HMAC-SHA1";
    public const string AuthorizationHeader = "authorization";
    public const string DateTimeHeader = "x-mq-date-time";

    /// <summary>The status to answer instead of serving the request, or null when it may go ahead.</summary>
    public AccessDecision Check(Metadata headers, IMessage? request)
    {
        var authorization = headers.GetValue(AuthorizationHeader);
        if (string.IsNullOrWhiteSpace(authorization))
        {
            return Unauthorized(null, "the request is not signed, and this broker has aclEnable=true: give the client an AccessKey and SecretKey of the ACL file");
        }

        if (!TryParse(authorization, out var accessKey, out var signedHeaders, out var signature))
        {
            return Unauthorized(null, $"the authorization header is not '{Algorithm} Credential=<accessKey>, SignedHeaders={DateTimeHeader}, Signature=<hex>'");
        }

        if (!string.Equals(signedHeaders, DateTimeHeader, StringComparison.OrdinalIgnoreCase))
        {
            return Unauthorized(accessKey, $"SignedHeaders is '{signedHeaders}'; this broker verifies signatures of '{DateTimeHeader}' only");
        }

        var dateTime = headers.GetValue(DateTimeHeader);
        if (string.IsNullOrEmpty(dateTime))
        {
            return Unauthorized(accessKey, $"the signed header {DateTimeHeader} is missing");
        }

        if (!acl.Accounts.TryGetValue(accessKey, out var account))
        {
            return Unauthorized(accessKey, $"access key '{accessKey}' is not an account of the ACL file");
        }

        var expected = HMACSHA1.HashData(Encoding.UTF8.GetBytes(account.SecretKey), Encoding.UTF8.GetBytes(dateTime));
        if (!CryptographicOperations.FixedTimeEquals(expected, signature))
        {
            return Unauthorized(accessKey, $"the signature does not match: check the SecretKey the client uses for access key '{accessKey}'");
        }

        return request is null ? new AccessDecision(null, accessKey) : Authorize(account, AccessRequirement.Of(request));
    }

    /// <summary>Allowed when <paramref name="account"/> is an admin or holds every requirement; else FORBIDDEN naming the first it lacks.</summary>
    public static AccessDecision Authorize(AclAccount account, IEnumerable<AccessRequirement> requirements)
    {
        if (account.Admin)
        {
            return new AccessDecision(null, account.AccessKey);
        }

        foreach (var requirement in requirements)
        {
            // A blank name is the handler's to reject, with ILLEGAL_TOPIC or ILLEGAL_CONSUMER_GROUP.
            if (requirement.Name.Length == 0)
            {
                continue;
            }

            var owned = requirement.Kind == AclResourceKind.Topic ? account.TopicPerm(requirement.Name) : account.GroupPerm(requirement.Name);
            if (!Permits(requirement, owned))
            {
                var kind = requirement.Kind == AclResourceKind.Topic ? "topic" : "group";
                return new AccessDecision(
                    Statuses.Of(Code.Forbidden, $"access key '{account.AccessKey}' may not {Name(requirement)} on {kind} '{requirement.Name}': the ACL file grants it {Name(owned)} there"),
                    account.AccessKey);
            }
        }

        return new AccessDecision(null, account.AccessKey);
    }

    /// <summary>RocketMQ's rule: DENY wins; an "any" requirement takes PUB or SUB; otherwise the needed bit must be held.</summary>
    private static bool Permits(AccessRequirement requirement, AclPermission owned) =>
        !owned.HasFlag(AclPermission.Deny) && (owned & requirement.Permission) != 0;

    private static string Name(AccessRequirement requirement) => requirement.Any ? "PUB or SUB" : Name(requirement.Permission);

    private static string Name(AclPermission permission) => permission switch
    {
        AclPermission.None => "nothing",
        _ when permission.HasFlag(AclPermission.Deny) => "DENY",
        AclPermission.Pub | AclPermission.Sub => "PUB|SUB",
        _ => permission.ToString().ToUpperInvariant(),
    };

    private static AccessDecision Unauthorized(string? accessKey, string message) => new(Statuses.Of(Code.Unauthorized, message), accessKey);

    /// <summary>Parses <c>MQv2-HMAC-SHA1 Credential=ak[/region/service], SignedHeaders=x-mq-date-time, Signature=hex</c>.</summary>
    private static bool TryParse(string authorization, out string accessKey, out string signedHeaders, out byte[] signature)
    {
        accessKey = signedHeaders = string.Empty;
        signature = [];
        var space = authorization.IndexOf(' ', StringComparison.Ordinal);
        if (space < 0 || !authorization.AsSpan(0, space).Equals(Algorithm, StringComparison.Ordinal))
        {
            return false;
        }

        string? hex = null;
        foreach (var item in authorization[(space + 1)..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = item.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                return false;
            }

            var value = item[(equals + 1)..].Trim();
            switch (item[..equals].Trim())
            {
                case "Credential":
                    accessKey = value.Split('/')[0];
                    break;
                case "SignedHeaders":
                    signedHeaders = value;
                    break;
                case "Signature":
                    hex = value;
                    break;
            }
        }

        if (accessKey.Length == 0 || hex is null || hex.Length % 2 != 0 || !hex.All(char.IsAsciiHexDigit))
        {
            return false;
        }

        signature = Convert.FromHexString(hex);
        return true;
    }
}
