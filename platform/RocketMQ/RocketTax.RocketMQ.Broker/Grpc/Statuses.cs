using Apache.Rocketmq.V2;

namespace RocketTax.RocketMQ.Broker.Grpc;

/// <summary>Builds the <c>status</c> every response carries; errors travel here, never as gRPC failures.</summary>
public static class Statuses
{
    public static Status Ok() => new() { Code = Code.Ok, Message = "OK" };

    public static Status Of(Code code, string message) => new() { Code = code, Message = message };
}
