using Microsoft.AspNetCore.Connections;

namespace RocketTax.RocketMQ.Broker.Grpc.Transport;

/// <summary>
/// gRPC over HTTP/2 straight on Kestrel's connection layer (<c>grpcTransport=native</c>): no HTTP/2 stream objects,
/// HttpContext, routing or Grpc.AspNetCore call handling between a client's frames and the broker's handlers.
/// </summary>
public sealed class NativeGrpcConnectionHandler(NativeGrpcService service) : ConnectionHandler
{
    public override Task OnConnectedAsync(ConnectionContext connection) => new NativeGrpcConnection(connection, service).RunAsync();
}
