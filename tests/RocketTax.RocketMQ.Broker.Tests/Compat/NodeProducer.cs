using RocketTax.Testing;

namespace RocketTax.RocketMQ.Broker.Tests.Compat;

/// <summary>Arguments of <c>produce.mjs</c>; <c>{i}</c> in keys, property values and body becomes the message index.</summary>
public sealed record ProduceArgs(
    string Endpoints,
    string Topic,
    string? Tag,
    string Body,
    int Count,
    IReadOnlyList<string>? Keys = null,
    IReadOnlyDictionary<string, string>? Properties = null,
    int TimeoutSeconds = 60);

/// <summary>One send receipt as the official Node.js Producer saw it.</summary>
public sealed record SentMessage(string MessageId, int QueueId, long Offset);

/// <summary>Sends messages with the official Node.js <c>Producer</c>.</summary>
public static class NodeProducer
{
    /// <summary>Runs <c>produce.mjs</c> and returns its receipts, one per message, in send order.</summary>
    public static async Task<IReadOnlyList<SentMessage>> ProduceAsync(this NodeCompat node, ProduceArgs args, CancellationToken cancellationToken)
    {
        var result = await node.RunAsync("produce.mjs", args, TimeSpan.FromSeconds(args.TimeoutSeconds + 10), cancellationToken);
        return result.Single<IReadOnlyList<SentMessage>>("sent");
    }
}
