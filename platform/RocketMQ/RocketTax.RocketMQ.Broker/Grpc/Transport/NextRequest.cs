namespace RocketTax.RocketMQ.Broker.Grpc.Transport;

/// <summary>A message read from a streaming request.</summary>
internal sealed record NextRequest<T>(T Message);
