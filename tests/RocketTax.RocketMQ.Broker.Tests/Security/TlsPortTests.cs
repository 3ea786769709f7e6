using System.Security.Cryptography.X509Certificates;
using Apache.Rocketmq.V2;
using Grpc.Net.Client;
using Metadata = Grpc.Core.Metadata;
using RocketTax.RocketMQ.Broker.Security;
using RocketTax.RocketMQ.Broker.Tests.Messaging;
using RocketTax.RocketMQ.Broker.Tests.Transport;

namespace RocketTax.RocketMQ.Broker.Tests.Security;

/// <summary>
/// The gRPC port as the RocketMQ proxy runs it: TLS and plaintext clients on the same port at the same time,
/// told apart by the first byte; without a configured certificate, a self-signed one generated at first start
/// and kept under the store root across restarts.
/// </summary>
public abstract class TlsPortTests(BrokerFixture fixture)
{
    private const string Topic = "tls-topic";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 90_000)]
    public async Task Same_port_serves_a_TLS_client_and_a_plaintext_client_at_once()
    {
        using var stored = StoredCertificate();
        var presented = new List<X509Certificate2>();
        using var channel = TlsChannel(fixture.Broker.GrpcEndpoint, presented);
        var tls = new MessagingService.MessagingServiceClient(channel);
        using var plaintext = new RawBrokerClient(fixture.Broker.GrpcEndpoint);
        var headers = new Metadata { { "x-mq-client-id", "tlsclient@test" } };

        var sends = Enumerable.Range(0, 20).Select(async i =>
        {
            var overTls = tls.SendMessageAsync(new SendMessageRequest { Messages = { RawBrokerClient.NewMessage(Topic, $"tls {i}") } }, headers, DateTime.UtcNow.AddSeconds(30), Ct);
            var overPlaintext = plaintext.SendAsync(Ct, RawBrokerClient.NewMessage(Topic, $"plaintext {i}"));
            return (await overTls, await overPlaintext);
        });
        var results = await Task.WhenAll(sends);

        Assert.All(results, r => Assert.Equal(Code.Ok, r.Item1.Status.Code));
        Assert.All(results, r => Assert.Equal(Code.Ok, r.Item2.Status.Code));
        Assert.NotEmpty(presented);
        Assert.All(presented, c => Assert.Equal(stored.Thumbprint, c.Thumbprint));
    }

    [Fact(Timeout = 90_000)]
    public async Task Self_signed_certificate_is_kept_across_a_restart()
    {
        using var before = StoredCertificate();

        await fixture.Broker.RestartAsync(Ct);
        var presented = new List<X509Certificate2>();
        using var channel = TlsChannel(fixture.Broker.GrpcEndpoint, presented);
        var tls = new MessagingService.MessagingServiceClient(channel);
        var route = await tls.QueryRouteAsync(
            new QueryRouteRequest { Topic = new Resource { Name = Topic } }, new Metadata { { "x-mq-client-id", "tlsclient@test" } }, DateTime.UtcNow.AddSeconds(30), Ct);

        Assert.Equal(Code.Ok, route.Status.Code);
        Assert.Equal(before.Thumbprint, Assert.Single(presented.Select(c => c.Thumbprint).Distinct()));
        Assert.Contains("CN=RocketTax broker", before.Subject, StringComparison.Ordinal);
    }

    private X509Certificate2 StoredCertificate() => X509CertificateLoader.LoadCertificateFromFile(
        Path.Combine(fixture.Broker.StoreDir, BrokerCertificate.DirectoryName, BrokerCertificate.CertificateFileName));

    /// <summary>A TLS client that trusts exactly the certificate the broker keeps in its store, and records what it was shown.</summary>
    private GrpcChannel TlsChannel(string endpoint, List<X509Certificate2> presented) => PinnedTlsChannel.To(endpoint, StoredCertificate(), presented);
}

/// <summary>The gRPC port's TLS rules with the transport a broker runs unless told otherwise.</summary>
public sealed class DefaultTransportTlsPortTests(BrokerFixture fixture) : TlsPortTests(fixture), IClassFixture<BrokerFixture>;

/// <summary>The same rules with <c>grpcTransport=native</c>: the first-byte peek and ALPN h2 stand in front of it too.</summary>
public sealed class NativeTransportTlsPortTests(NativeBrokerFixture fixture) : TlsPortTests(fixture), IClassFixture<NativeBrokerFixture>;
