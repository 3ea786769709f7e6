using System.Text.Json.Serialization;

namespace RocketTax.RocketMQ.Remoting.Body;

/// <summary>
/// The body of <c>HEART_BEAT</c> (RocketMQ's <c>HeartbeatData</c>): a 4.x client instance names itself and every
/// producer and consumer group it runs, every 30 s, to each broker it talks to.
/// </summary>
public sealed record HeartbeatData
{
    /// <summary>The client instance's id (<c>ip@pid</c> by default); the field is spelled <c>clientID</c> on the wire.</summary>
    [JsonPropertyName("clientID")]
    public required string ClientId { get; init; }

    public List<ProducerData> ProducerDataSet { get; init; } = [];

    public List<ConsumerData> ConsumerDataSet { get; init; } = [];
}
