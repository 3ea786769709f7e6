using System.Text.Json.Serialization;

namespace RocketTax.RocketMQ.Remoting.FastJson;

/// <summary>
/// A Java map keyed by an object (RocketMQ's <c>Map&lt;MessageQueue, …&gt;</c>), in the form fastjson writes it:
/// <c>{{"brokerName":"a","queueId":0,"topic":"T"}:{...},...}</c>. Entries keep their order.
/// </summary>
/// <remarks>
/// That text is not standard JSON: it is written raw by <see cref="ObjectKeyMapConverter"/> and read back from the
/// entries <see cref="FastJsonReader"/> turns it into.
/// </remarks>
[JsonConverter(typeof(ObjectKeyMapConverter))]
public sealed class ObjectKeyMap<TKey, TValue> : List<KeyValuePair<TKey, TValue>>
    where TKey : notnull
{
    public void Add(TKey key, TValue value) => Add(new KeyValuePair<TKey, TValue>(key, value));
}
