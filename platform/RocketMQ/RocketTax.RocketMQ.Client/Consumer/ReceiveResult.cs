using System.Diagnostics;

namespace RocketTax.RocketMQ.Client.Consumer;

/// <summary>One receive: the messages that passed the digest check, those that did not, and the receive span's context.</summary>
internal sealed record ReceiveResult(IReadOnlyList<MessageView> Messages, IReadOnlyList<MessageView> Corrupted, ActivityContext ReceiveContext)
{
    public static readonly ReceiveResult Empty = new([], [], default);
}
