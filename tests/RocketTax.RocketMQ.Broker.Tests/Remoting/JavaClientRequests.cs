using RocketTax.RocketMQ.Remoting;
using Encoding = System.Text.Encoding;

namespace RocketTax.RocketMQ.Broker.Tests.Remoting;

/// <summary>The client-management requests a RocketMQ 4.x Java client instance sends a broker, as it writes them.</summary>
public static class JavaClientRequests
{
    public const string ClientId = "10.0.0.9@4711";

    /// <summary>
    /// <c>HEART_BEAT</c> of a client instance running producer group <paramref name="producerGroup"/> and a push consumer
    /// of <paramref name="consumerGroup"/> on <paramref name="topic"/> (with the retry topic and the inner producer a
    /// 4.x client adds itself), in the JSON the Java client writes.
    /// </summary>
    public static RemotingCommand HeartBeat(string producerGroup, string consumerGroup, string topic, string messageModel = "CLUSTERING")
    {
        var body = $$"""
            {"clientID":"{{ClientId}}","consumerDataSet":[{"consumeFromWhere":"CONSUME_FROM_LAST_OFFSET","consumeType":"CONSUME_PASSIVELY",
            "groupName":"{{consumerGroup}}","messageModel":"{{messageModel}}","subscriptionDataSet":[
            {"classFilterMode":false,"codeSet":[],"expressionType":"TAG","subString":"*","subVersion":1700000000000,"tagsSet":[],"topic":"{{topic}}"},
            {"classFilterMode":false,"codeSet":[],"expressionType":"TAG","subString":"*","subVersion":1700000000001,"tagsSet":[],"topic":"%RETRY%{{consumerGroup}}"}],
            "unitMode":false}],"producerDataSet":[{"groupName":"{{producerGroup}}"},{"groupName":"CLIENT_INNER_PRODUCER"}]}
            """;
        return Java(RemotingCommand.Request(RequestCode.HeartBeat, body: Encoding.UTF8.GetBytes(body)));
    }

    /// <summary><c>UNREGISTER_CLIENT</c>, sent when the client shuts down its producer or consumer of a group.</summary>
    public static RemotingCommand Unregister(string? producerGroup = null, string? consumerGroup = null)
    {
        var fields = new Dictionary<string, string> { ["clientID"] = ClientId };
        if (producerGroup is not null)
        {
            fields["producerGroup"] = producerGroup;
        }

        if (consumerGroup is not null)
        {
            fields["consumerGroup"] = consumerGroup;
        }

        return Java(RemotingCommand.Request(RequestCode.UnregisterClient, fields));
    }

    /// <summary><c>GET_CONSUMER_CONNECTION_LIST</c>, as <c>mqadmin consumerConnection</c> and the console ask it.</summary>
    public static RemotingCommand ConsumerConnections(string consumerGroup) =>
        RemotingCommand.Request(RequestCode.GetConsumerConnectionList, new Dictionary<string, string> { ["consumerGroup"] = consumerGroup });

    private static RemotingCommand Java(RemotingCommand request)
    {
        request.Language = "JAVA";
        request.Version = 399;
        return request;
    }
}
