using System.Globalization;
using System.Text.Json;
using RocketTax.RocketMQ.Broker.Remoting;
using RocketTax.RocketMQ.Remoting;
using RocketTax.RocketMQ.Remoting.Body;

namespace RocketTax.RocketMQ.Broker.NameServer;

/// <summary>The name server's requests (RocketMQ's <c>DefaultRequestProcessor</c>): registration, routes, cluster info, topic list.</summary>
public sealed class NameServerRequestProcessor(RouteInfoManager routes) : IRemotingRequestProcessor
{
    /// <summary>RocketTax's extension field of <c>REGISTER_BROKER</c>: the broker's gRPC endpoint (<c>host:port</c>).</summary>
    public const string GrpcServerAddrField = "grpcServerAddr";

    public IReadOnlyCollection<int> RequestCodes { get; } =
    [
        RequestCode.RegisterBroker, RequestCode.UnregisterBroker, RequestCode.GetRouteInfoByTopic,
        RequestCode.GetBrokerClusterInfo, RequestCode.GetAllTopicListFromNameServer, RequestCode.DeleteTopicInNameServer,
    ];

    public ValueTask<RemotingCommand> ProcessAsync(RemotingCommand request, string peer, CancellationToken cancellationToken) =>
        ValueTask.FromResult(request.Code switch
        {
            RequestCode.RegisterBroker => Register(request),
            RequestCode.UnregisterBroker => Unregister(request),
            RequestCode.GetRouteInfoByTopic => Route(request),
            RequestCode.GetBrokerClusterInfo => RemotingCommand.JsonResponse(request, routes.GetClusterInfo()),
            RequestCode.GetAllTopicListFromNameServer => RemotingCommand.JsonResponse(request, routes.GetTopics()),
            RequestCode.DeleteTopicInNameServer => DeleteTopic(request),
            _ => RemotingCommand.Response(request, ResponseCode.RequestCodeNotSupported, $"request code {request.Code} is not served by the name server"),
        });

    private RemotingCommand Register(RemotingCommand request)
    {
        if (string.Equals(request.Field("compressed"), "true", StringComparison.OrdinalIgnoreCase))
        {
            return RemotingCommand.Response(request, ResponseCode.SystemError,
                "compressed REGISTER_BROKER bodies are not supported; set compressedRegister=false on the broker");
        }

        var registration = new BrokerRegistration(
            Required(request, "clusterName"),
            Required(request, "brokerName"),
            BrokerId(request),
            Required(request, "brokerAddr"),
            request.Field(GrpcServerAddrField),
            ReadTopics(request));
        routes.RegisterBroker(registration);
        var response = RemotingCommand.Response(request, ResponseCode.Success);
        response.ExtFields = new Dictionary<string, string> { ["haServerAddr"] = string.Empty, ["masterAddr"] = string.Empty };
        return response;
    }

    private RemotingCommand Unregister(RemotingCommand request)
    {
        routes.UnregisterBroker(Required(request, "clusterName"), Required(request, "brokerAddr"), Required(request, "brokerName"), BrokerId(request));
        return RemotingCommand.Response(request, ResponseCode.Success);
    }

    private RemotingCommand Route(RemotingCommand request)
    {
        var topic = Required(request, "topic");
        return routes.GetRoute(topic) is { } route
            ? RemotingCommand.JsonResponse(request, route)
            : RemotingCommand.Response(request, ResponseCode.TopicNotExist,
                $"No topic route info in name server for the topic: {topic} (create it with 'mqadmin updateTopic -c <cluster> -t {topic}')");
    }

    private RemotingCommand DeleteTopic(RemotingCommand request)
    {
        routes.DeleteTopic(Required(request, "topic"));
        return RemotingCommand.Response(request, ResponseCode.Success);
    }

    /// <summary>Java brokers send a <c>RegisterBrokerBody</c>; a bare <c>TopicConfigSerializeWrapper</c> is accepted too.</summary>
    private static TopicConfigSerializeWrapper ReadTopics(RemotingCommand request)
    {
        if (request.Body is not { Length: > 0 })
        {
            return new TopicConfigSerializeWrapper();
        }

        try
        {
            using var document = JsonDocument.Parse(request.Body);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("topicConfigSerializeWrapper", out _))
            {
                return request.ReadBody<RegisterBrokerBody>().TopicConfigSerializeWrapper;
            }
        }
        catch (JsonException ex)
        {
            throw new RemotingProtocolException($"the REGISTER_BROKER body is not JSON: {ex.Message}");
        }

        return request.ReadBody<TopicConfigSerializeWrapper>();
    }

    private static string Required(RemotingCommand request, string field) =>
        request.Field(field) is { Length: > 0 } value
            ? value
            : throw new RemotingProtocolException($"request code {request.Code} needs the header field '{field}'");

    private static long BrokerId(RemotingCommand request) =>
        long.TryParse(Required(request, "brokerId"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var id) && id >= 0
            ? id
            : throw new RemotingProtocolException($"brokerId '{request.Field("brokerId")}' is not a broker id (0 for a master)");
}
