using Encoding = System.Text.Encoding;
using Apache.Rocketmq.V2;
using Grpc.Core;
using Grpc.Net.Client;
using RocketTax.RocketMQ.Client;
using RocketTax.RocketMQ.Remoting;

namespace RocketTax.Hosting.RocketMQ.HealthChecks;

/// <summary>Asks a broker's gRPC <c>MessagingService</c> for a topic's route, as a client's first call does, signed as a client signs it when given credentials.</summary>
internal static class GrpcRouteProbe
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    /// <summary>Null when the broker answered the route; otherwise why it did not.</summary>
    public static async Task<string?> FailureAsync(string host, int port, string topic, RemotingCredentials? credentials, CancellationToken cancellationToken)
    {
        using var channel = GrpcChannel.ForAddress($"http://{host}:{port}", new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { ConnectTimeout = Timeout },
            // Without this the channel leaves the handler, and its open HTTP/2 connection, behind after every probe.
            DisposeHttpClient = true,
        });
        var client = new MessagingService.MessagingServiceClient(channel);
        var request = new QueryRouteRequest
        {
            Topic = new Apache.Rocketmq.V2.Resource { Name = topic },
            Endpoints = new Endpoints { Scheme = AddressScheme.Ipv4, Addresses = { new Address { Host = host, Port = port } } },
        };
        var headers = new Metadata
        {
            { "x-mq-client-id", "aspire-health-check" },
            { "x-mq-language", "DOTNET" },
            { "x-mq-protocol", "v2" },
        };
        if (credentials is not null)
        {
            var dateTime = RequestSignature.DateTime(DateTime.UtcNow);
            headers.Add(RequestSignature.DateTimeHeader, dateTime);
            headers.Add(RequestSignature.AuthorizationHeader, RequestSignature.Authorization(credentials.AccessKey, Encoding.UTF8.GetBytes(credentials.SecretKey), dateTime));
        }

        try
        {
            var response = await client.QueryRouteAsync(request, headers, DateTime.UtcNow + Timeout, cancellationToken).ConfigureAwait(false);
            return response.Status.Code is Code.Ok or Code.TopicNotFound
                ? null
                : $"{host}:{port} answered QueryRoute({topic}) with {response.Status.Code}: {response.Status.Message}";
        }
        catch (RpcException ex)
        {
            return $"{host}:{port} did not answer QueryRoute({topic}): {ex.Status.StatusCode} {ex.Status.Detail}";
        }
    }
}
