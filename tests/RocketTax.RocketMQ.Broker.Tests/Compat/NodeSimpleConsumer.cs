using RocketTax.Testing;

namespace RocketTax.RocketMQ.Broker.Tests.Compat;

/// <summary>
/// Arguments of <c>consume.mjs</c>: receive until <paramref name="Count"/> messages arrived or
/// <paramref name="MaxSeconds"/> passed, each receive long-polling up to <paramref name="AwaitSeconds"/>.
/// </summary>
public sealed record ConsumeArgs(
    string Endpoints,
    string Group,
    string Topic,
    string Filter,
    int Count,
    int InvisibleSeconds,
    bool Ack,
    int MaxSeconds,
    int AwaitSeconds = 5,
    int BatchSize = 16);

/// <summary>A message as the official Node.js <c>SimpleConsumer</c> handed it to the application.</summary>
public sealed record ConsumedMessage(
    string MessageId,
    string Topic,
    string? Tag,
    IReadOnlyList<string> Keys,
    IReadOnlyDictionary<string, string> Properties,
    string Body,
    bool Corrupted,
    int? DeliveryAttempt,
    int? QueueId,
    long? Offset,
    string? BornHost,
    long ReceivedAt);

/// <summary>The closing line of <c>consume.mjs</c>.</summary>
public sealed record ConsumeSummary(int Received, int Acked, int Polls, long ElapsedMs);

/// <summary>Everything one <c>consume.mjs</c> run received.</summary>
public sealed record ConsumeResult(IReadOnlyList<ConsumedMessage> Messages, ConsumeSummary Summary);

/// <summary>Receives (and acks) with the official Node.js <c>SimpleConsumer</c>.</summary>
public static class NodeSimpleConsumer
{
    /// <summary>Runs <c>consume.mjs</c> and returns the messages in arrival order.</summary>
    public static async Task<ConsumeResult> ConsumeAsync(this NodeCompat node, ConsumeArgs args, CancellationToken cancellationToken)
    {
        // The script's own deadline is MaxSeconds + AwaitSeconds + 30; ours is a little later so its message wins.
        var timeout = TimeSpan.FromSeconds(args.MaxSeconds + args.AwaitSeconds + 40);
        var result = await node.RunAsync("consume.mjs", args, timeout, cancellationToken);
        return new ConsumeResult([.. result.Values<ConsumedMessage>("message")], result.Single<ConsumeSummary>("summary"));
    }
}
