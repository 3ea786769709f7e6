using System.Diagnostics;

namespace RocketTax.RocketMQ.Client.Consumer;

/// <summary>
/// A message waiting for a handler, with the receive span it arrived in. With <see cref="Handled"/> the worker only
/// reports the handler's result there: an in-order consumer settles (or retries) the message itself.
/// </summary>
internal readonly record struct Delivery(MessageLease Lease, ActivityContext ReceiveContext, TaskCompletionSource<ConsumeResult>? Handled = null);
