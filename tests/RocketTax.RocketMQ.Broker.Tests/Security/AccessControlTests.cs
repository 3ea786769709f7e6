using Apache.Rocketmq.V2;
using Grpc.Core;

namespace RocketTax.RocketMQ.Broker.Tests.Security;

/// <summary>
/// <c>aclEnable=true</c>: every request must be signed by an account of the ACL file (else UNAUTHORIZED), and the
/// account must hold PUB to send and SUB on topic and group to consume (else FORBIDDEN). Both travel in the
/// response status of a gRPC call that itself succeeds, as with the RocketMQ proxy.
/// </summary>
public sealed class AccessControlTests(AclBrokerFixture fixture) : IClassFixture<AclBrokerFixture>
{
    private const string TaxTopic = "tax-data-topic";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 60_000)]
    public async Task Signed_request_within_the_accounts_permissions_is_served()
    {
        using var reporter = Client(AclBrokerFixture.Reporter, AclBrokerFixture.ReporterSecret);

        var sent = await reporter.SendAsync(TaxTopic, Ct);
        var received = await reporter.ReceiveAsync("consumer-group", TaxTopic, Ct);

        Assert.Equal(Code.Ok, sent.Status.Code);
        Assert.Equal(Code.Ok, received.Status.Code);
        Assert.True(received.Messages >= 1);
    }

    [Fact(Timeout = 60_000)]
    public async Task Unsigned_request_is_unauthorized()
    {
        using var anonymous = Client(null, null);

        var sent = await anonymous.SendAsync(TaxTopic, Ct);
        var route = await anonymous.Raw.QueryRouteAsync(new QueryRouteRequest { Topic = new Resource { Name = TaxTopic } }, anonymous.Call(Ct));

        Assert.Equal(Code.Unauthorized, sent.Status.Code);
        Assert.Contains("not signed", sent.Status.Message, StringComparison.Ordinal);
        Assert.Equal(Code.Unauthorized, route.Status.Code);
    }

    [Fact(Timeout = 60_000)]
    public async Task Request_signed_with_a_wrong_secret_or_an_unknown_key_is_unauthorized()
    {
        using var wrongSecret = Client(AclBrokerFixture.Reporter, "not-the-secret");
        using var unknownKey = Client("stranger", AclBrokerFixture.ReporterSecret);

        var wrong = await wrongSecret.SendAsync(TaxTopic, Ct);
        var unknown = await unknownKey.SendAsync(TaxTopic, Ct);

        Assert.Equal(Code.Unauthorized, wrong.Status.Code);
        Assert.Contains("signature does not match", wrong.Status.Message, StringComparison.Ordinal);
        Assert.Equal(Code.Unauthorized, unknown.Status.Code);
        Assert.Contains("'stranger'", unknown.Status.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Signed_request_outside_the_accounts_permissions_is_forbidden()
    {
        using var reporter = Client(AclBrokerFixture.Reporter, AclBrokerFixture.ReporterSecret);

        var sendToSubOnlyTopic = await reporter.SendAsync("audit-topic", Ct);
        var sendToUnlistedTopic = await reporter.SendAsync("payroll-topic", Ct);
        var receiveInUnlistedGroup = await reporter.ReceiveAsync("other-group", TaxTopic, Ct);

        Assert.Equal(Code.Forbidden, sendToSubOnlyTopic.Status.Code);
        Assert.Contains("may not PUB on topic 'audit-topic'", sendToSubOnlyTopic.Status.Message, StringComparison.Ordinal);
        Assert.Equal(Code.Forbidden, sendToUnlistedTopic.Status.Code);
        Assert.Equal(Code.Forbidden, receiveInUnlistedGroup.Status.Code);
        Assert.Contains("group 'other-group'", receiveInUnlistedGroup.Status.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Admin_account_may_use_any_topic_and_group()
    {
        using var admin = Client(AclBrokerFixture.Admin, AclBrokerFixture.AdminSecret);

        var sent = await admin.SendAsync("payroll-topic", Ct);
        var received = await admin.ReceiveAsync("payroll-group", "payroll-topic", Ct);

        Assert.Equal(Code.Ok, sent.Status.Code);
        Assert.Equal(Code.Ok, received.Status.Code);
    }

    [Fact(Timeout = 60_000)]
    public async Task Unsigned_telemetry_stream_gets_one_unauthorized_command_and_ends()
    {
        using var anonymous = Client(null, null);

        using var call = anonymous.Raw.Telemetry(anonymous.Call(Ct));
        try
        {
            await call.RequestStream.WriteAsync(new TelemetryCommand { Settings = new Settings { ClientType = ClientType.Producer } }, Ct);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled)
        {
            // The broker refuses on the headers alone and may have ended the call before this write went out.
        }

        var commands = await call.ResponseStream.ReadAllAsync(Ct).ToListAsync(Ct);

        var command = Assert.Single(commands);
        Assert.Equal(Code.Unauthorized, command.Status.Code);
    }

    private SignedClient Client(string? accessKey, string? secretKey) => new(fixture.Broker.GrpcEndpoint, accessKey, secretKey);
}
