using System.Security.Cryptography;
using RocketTax.RocketMQ.Remoting;
using Encoding = System.Text.Encoding;

namespace RocketTax.RocketMQ.Broker.Tests.Remoting;

/// <summary>
/// The plain ACL signature of a remoting request: Base64(HMAC-SHA1(secretKey, the header values but the signature's,
/// ordered by name as Java sorts strings, then the body)).
/// </summary>
public sealed class RemotingSignatureTests
{
    private static readonly RemotingCredentials Reporter = new("taxreporter", "reporter-secret");

    private static RemotingCommand Send() => RemotingCommand.Request(
        RequestCode.SendMessageV2,
        new Dictionary<string, string> { ["b"] = "tax-data-topic", ["a"] = "city-tax-producer" },
        Encoding.UTF8.GetBytes("城市 report"));

    [Fact]
    public void Signature_matches_a_known_vector_of_the_documented_content()
    {
        var request = Send();

        RemotingSignature.Sign(request, Reporter);

        // Added b, a, AccessKey; signed in Java's order of the names, by UTF-16 code unit: "AccessKey", "a", "b".
        var content = Encoding.UTF8.GetBytes("taxreporter" + "city-tax-producer" + "tax-data-topic" + "城市 report");
        var independent = Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes("reporter-secret"), content));
        // The same vector computed outside .NET (Python's hmac module), so neither side can drift with the other.
        Assert.Equal("7XZC3K+xa/vO0G37iPzoqDUSTqk=", independent);
        Assert.Equal(independent, request.Field(RemotingSignature.SignatureField));
        Assert.Equal("taxreporter", request.Field(RemotingSignature.AccessKeyField));
    }

    [Fact]
    public void Signing_again_gives_the_same_signature_because_the_old_one_is_not_signed()
    {
        var request = Send();
        RemotingSignature.Sign(request, Reporter);
        var first = request.Field(RemotingSignature.SignatureField);

        RemotingSignature.Sign(request, Reporter);

        Assert.Equal(first, request.Field(RemotingSignature.SignatureField));
    }

    [Fact]
    public void A_security_token_is_sent_and_signed()
    {
        var withToken = Send();
        var without = Send();

        RemotingSignature.Sign(withToken, Reporter with { SecurityToken = "session-1" });
        RemotingSignature.Sign(without, Reporter);

        Assert.Equal("session-1", withToken.Field(RemotingSignature.SecurityTokenField));
        Assert.NotEqual(without.Field(RemotingSignature.SignatureField), withToken.Field(RemotingSignature.SignatureField));
    }

    [Fact]
    public void A_request_without_header_or_body_signs_just_the_access_key()
    {
        var request = RemotingCommand.Request(RequestCode.GetBrokerRuntimeInfo);

        RemotingSignature.Sign(request, Reporter);

        var expected = HMACSHA1.HashData(Encoding.UTF8.GetBytes("reporter-secret"), Encoding.UTF8.GetBytes("taxreporter"));
        Assert.Equal(Convert.ToBase64String(expected), request.Field(RemotingSignature.SignatureField));
    }

    [Fact]
    public void Credentials_need_both_keys_or_neither()
    {
        Assert.Null(RemotingCredentials.FromKeys(null, ""));
        Assert.Equal(Reporter, RemotingCredentials.FromKeys("taxreporter", "reporter-secret"));
        Assert.Throws<ArgumentException>(() => RemotingCredentials.FromKeys("taxreporter", null));
        Assert.DoesNotContain("reporter-secret", Reporter.ToString(), StringComparison.Ordinal);
    }
}
