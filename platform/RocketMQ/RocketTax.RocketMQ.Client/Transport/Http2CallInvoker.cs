using System.Buffers;
using System.Collections.Concurrent;
using Grpc.Core;
using RocketTax.RocketMQ.Client.Session;
using RocketTax.RocketMQ.Http2;

namespace RocketTax.RocketMQ.Client.Transport;

/// <summary>
/// gRPC over the client's own HTTP/2 connection to one endpoint, for the generated clients
/// (<c>new MessagingService.MessagingServiceClient(invoker)</c>): async unary, server streaming and duplex streaming
/// calls, with statuses, deadlines and cancellation as Grpc.Net.Client reports them. Blocking and client-streaming
/// calls are not offered; nothing in the RocketMQ protocol uses them.
/// </summary>
public sealed class Http2CallInvoker : CallInvoker, IDisposable
{
    private readonly Http2ConnectionPool _pool;
    private readonly Http2TransportOptions _options;
    private readonly string _authority;
    private readonly ConcurrentDictionary<string, byte[]> _constantHeaders = new(StringComparer.Ordinal);

    /// <summary>An invoker for <paramref name="host"/>:<paramref name="port"/>; connects on the first call.</summary>
    public Http2CallInvoker(string host, int port, Http2TransportOptions? options = null)
        : this(new EndpointAddress(host, port), options ?? new Http2TransportOptions())
    {
    }

    internal Http2CallInvoker(EndpointAddress endpoint, Http2TransportOptions options)
    {
        _options = options;
        _authority = endpoint.ToString();
        _pool = new Http2ConnectionPool(endpoint, options);
    }

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
    {
        var call = new GrpcStream(options, _options.MaxReceiveMessageSize);
        return new AsyncUnaryCall<TResponse>(
            UnaryAsync(call, method, request), GrpcStream.ResponseHeadersOf, GrpcStream.StatusOf, GrpcStream.TrailersOf, GrpcStream.DisposeOf, call);
    }

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(
        Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
    {
        var call = new GrpcStream(options, _options.MaxReceiveMessageSize);
        _ = SendRequestAsync(call, method, request);
        return new AsyncServerStreamingCall<TResponse>(
            new GrpcResponseReader<TResponse>(call, method.ResponseMarshaller),
            GrpcStream.ResponseHeadersOf, GrpcStream.StatusOf, GrpcStream.TrailersOf, DisposeStreaming, call);
    }

    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(
        Method<TRequest, TResponse> method, string? host, CallOptions options)
    {
        var call = new GrpcStream(options, _options.MaxReceiveMessageSize);
        var opened = OpenAsync(call, method);
        return new AsyncDuplexStreamingCall<TRequest, TResponse>(
            new GrpcRequestWriter<TRequest>(call, method.RequestMarshaller, opened),
            new GrpcResponseReader<TResponse>(call, method.ResponseMarshaller),
            GrpcStream.ResponseHeadersOf, GrpcStream.StatusOf, GrpcStream.TrailersOf, DisposeStreaming, call);
    }

    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(
        Method<TRequest, TResponse> method, string? host, CallOptions options) =>
        throw new NotSupportedException($"{method.FullName}: client-streaming calls are not supported by the native HTTP/2 transport (no RocketMQ 5.x RPC is one).");

    public override TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
        throw new NotSupportedException($"{method.FullName}: blocking calls are not supported by the native HTTP/2 transport; use the async call.");

    /// <summary>Open connections to the endpoint (tests watch reconnection and stream limits with it).</summary>
    internal int ConnectionCount => _pool.Count;

    /// <summary>Closes the connections; calls in flight fail <see cref="StatusCode.Unavailable"/>.</summary>
    public void Dispose() => _pool.Dispose();

    private static readonly Action<object> DisposeStreaming = s =>
    {
        var call = (GrpcStream)s;
        call.Cancel(StatusCode.Cancelled, "The call was disposed before it completed.");
        call.ReleaseMessages();
    };

    private async Task<TResponse> UnaryAsync<TRequest, TResponse>(GrpcStream call, Method<TRequest, TResponse> method, TRequest request)
    {
        // Not awaited: a request stuck on flow control must not hold the call past its deadline or cancellation,
        // which end it here; the send never throws and gives up once the call ended.
        _ = SendRequestAsync(call, method, request);
        await call.WaitForFinishAsync().ConfigureAwait(false);
        call.ThrowIfFailed();
        if (!call.TryTakeMessage(out var message, out _))
        {
            throw new RpcException(new Status(StatusCode.Internal, $"{method.FullName}: the server ended the call with OK but sent no response message."));
        }

        try
        {
            return GrpcPayloadReader.Deserialize(method.ResponseMarshaller, message);
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            throw new RpcException(new Status(StatusCode.Internal, $"{method.FullName}: the response does not deserialize: {ex.Message}", ex));
        }
    }

    /// <summary>Opens the stream and sends the one request message, ending the request. Never throws: a failure ends the call.</summary>
    private async Task SendRequestAsync<TRequest, TResponse>(GrpcStream call, Method<TRequest, TResponse> method, TRequest request)
    {
        GrpcPayload payload;
        try
        {
            payload = GrpcPayload.Serialize(method.RequestMarshaller, request);
        }
        catch (Exception ex)
        {
            call.Finish(new Status(StatusCode.Internal, $"{method.FullName}: the request does not serialize: {ex.Message}", ex), null, GrpcStream.Ending.Gone, keepMessages: false);
            return;
        }

        using (payload)
        {
            if (await OpenAsync(call, method).ConfigureAwait(false))
            {
                await call.SendAsync(payload.Framed, endStream: true, call.CancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Reserves a stream on a connection and sends the HEADERS; false when the call ended instead (its status says why).</summary>
    private async Task<bool> OpenAsync<TRequest, TResponse>(GrpcStream call, Method<TRequest, TResponse> method)
    {
        if (call.IsFinished)
        {
            return false;
        }

        try
        {
            var connection = await _pool.ReserveAsync(call).ConfigureAwait(false);
            return connection.StartStream(call, ConstantHeaders(method));
        }
        catch (RpcException ex)
        {
            call.Finish(ex.Status, null, GrpcStream.Ending.Gone, keepMessages: false);
            return false;
        }
    }

    /// <summary>The fields every call of a method sends, HPACK-encoded once.</summary>
    private byte[] ConstantHeaders(IMethod method) => _constantHeaders.GetOrAdd(method.FullName, static (path, self) =>
    {
        var encoder = new HpackEncoder();
        var block = new ArrayBufferWriter<byte>(256);
        encoder.Encode(block, ":method", "POST");
        encoder.Encode(block, ":scheme", self._options.UseTls ? "https" : "http");
        encoder.Encode(block, ":path", path);
        encoder.Encode(block, ":authority", self._authority);
        encoder.Encode(block, "content-type", "application/grpc");
        encoder.Encode(block, "te", "trailers");
        encoder.Encode(block, "user-agent", $"rocket-tax-grpc/{ClientIdentity.Version}");
        return block.WrittenSpan.ToArray();
    }, this);
}
