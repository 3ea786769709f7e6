using System.Globalization;

namespace RocketTax.RocketMQ.Remoting.Messages;

/// <summary>
/// The header of a send over remoting. <c>SEND_MESSAGE</c> names its fields (<c>topic</c>, <c>queueId</c>, ...);
/// <c>SEND_MESSAGE_V2</c> and <c>SEND_BATCH_MESSAGE</c>, which 4.x producers send, carry the same fields under one-letter
/// names (<c>a</c> producer group, <c>b</c> topic, <c>e</c> queue id, <c>f</c> sys flag, <c>g</c> born timestamp,
/// <c>h</c> flag, <c>i</c> properties, <c>j</c> reconsume times, <c>l</c> max reconsume times) to keep the JSON short.
/// </summary>
/// <param name="QueueId">The queue the producer chose; -1 lets the broker choose.</param>
/// <param name="Properties">The properties as <see cref="MessagePropertiesCodec"/> writes them.</param>
/// <param name="MaxReconsumeTimes">A consumer's resend to its retry topic: the retries its group allows (null: the group's setting).</param>
public readonly record struct SendMessageHeader(
    string? ProducerGroup,
    string? Topic,
    int QueueId,
    int SysFlag,
    long BornTimestamp,
    int Flag,
    string? Properties,
    int ReconsumeTimes,
    int? MaxReconsumeTimes = null)
{
    /// <summary>The topic 4.x producers name as the template of topics the broker creates on first send.</summary>
    public const string DefaultTopic = "TBW102";

    /// <summary>Reads the header of a <see cref="RequestCode.SendMessage"/>, <see cref="RequestCode.SendMessageV2"/> or <see cref="RequestCode.SendBatchMessage"/>.</summary>
    public static SendMessageHeader Read(RemotingCommand request)
    {
        var shortNames = request.Code is RequestCode.SendMessageV2 or RequestCode.SendBatchMessage;
        string? Field(string name, string shortName) => request.Field(shortNames ? shortName : name);
        return new SendMessageHeader(
            Field("producerGroup", "a"),
            Field("topic", "b"),
            Int(Field("queueId", "e"), -1),
            Int(Field("sysFlag", "f"), 0),
            long.TryParse(Field("bornTimestamp", "g"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var born) ? born : 0,
            Int(Field("flag", "h"), 0),
            Field("properties", "i"),
            Int(Field("reconsumeTimes", "j"), 0),
            int.TryParse(Field("maxReconsumeTimes", "l"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var max) ? max : null);
    }

    /// <summary>The header fields of <see cref="RequestCode.SendMessageV2"/> (and, with a batch body, <see cref="RequestCode.SendBatchMessage"/>).</summary>
    public Dictionary<string, string> ToShortFields(bool batch = false) => new(StringComparer.Ordinal)
    {
        ["a"] = ProducerGroup ?? string.Empty,
        ["b"] = Topic ?? string.Empty,
        ["c"] = DefaultTopic,
        ["d"] = "4",
        ["e"] = QueueId.ToString(CultureInfo.InvariantCulture),
        ["f"] = SysFlag.ToString(CultureInfo.InvariantCulture),
        ["g"] = BornTimestamp.ToString(CultureInfo.InvariantCulture),
        ["h"] = Flag.ToString(CultureInfo.InvariantCulture),
        ["i"] = Properties ?? string.Empty,
        ["j"] = ReconsumeTimes.ToString(CultureInfo.InvariantCulture),
        ["k"] = "false",
        ["m"] = batch ? "true" : "false",
    };

    private static int Int(string? text, int fallback) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : fallback;
}
