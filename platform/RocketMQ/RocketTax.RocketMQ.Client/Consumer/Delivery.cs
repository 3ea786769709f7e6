using System.Diagnostics;

namespace RocketTax.RocketMQ.Client.Consumer;

/// <summary>A message waiting for a handler, with the receive span it arrived in.</summary>
internal readonly record struct Delivery(MessageLease Lease, ActivityContext ReceiveContext);
