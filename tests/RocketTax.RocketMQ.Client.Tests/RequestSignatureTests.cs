using System.Text;

namespace RocketTax.RocketMQ.Client.Tests;

/// <summary>The signature every request of an ACL-protected cluster carries, as the official 5.x clients compute it.</summary>
public sealed class RequestSignatureTests
{
    [Fact]
    public void Signs_the_second_of_the_request_with_hmac_sha1_of_the_secret_in_hex()
    {
        var dateTime = RequestSignature.DateTime(new DateTime(2026, 11, 27, 4, 15, 0, 999, DateTimeKind.Utc));

        var authorization = RequestSignature.Authorization("taxreporter", Encoding.UTF8.GetBytes("reporter-secret"), dateTime);

        Assert.Equal("20261127T041500Z", dateTime);
        Assert.Equal(
            "MQv2-HMAC-SHA1 Credential=taxreporter, SignedHeaders=x-mq-date-time, Signature=63827527EC1086543FA7150B961A2993A5C01C24",
            authorization);
    }
}
