using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Google.Protobuf;
using RocketTax.RocketMQ.Http2;

namespace RocketTax.RocketMQ.Client.Tests.Transport;

/// <summary>
/// A loopback HTTP/2 server that answers each request as the test scripts it, so the invoker meets what a real
/// broker never sends: HTTP errors, trailers-only answers, bad frames, a dropped socket, GOAWAY, unanswered PINGs.
/// It records what the client sent (request headers, RST_STREAM, GOAWAY).
/// </summary>
internal sealed class ScriptedHttp2Server : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<ScriptedHttp2Server.Connection, Request, Task> _respond;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentBag<Connection> _connections = [];
    private readonly Task _accepting;
    private int _accepted;

    public ScriptedHttp2Server(Func<Connection, Request, Task> respond, IReadOnlyList<Http2Setting>? settings = null)
    {
        _respond = respond;
        Settings = settings ?? [];
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public int Accepted => Volatile.Read(ref _accepted);

    public IReadOnlyList<Http2Setting> Settings { get; }

    /// <summary>Every RST_STREAM the client sent: stream and code.</summary>
    public ConcurrentQueue<(int StreamId, Http2ErrorCode Code)> Resets { get; } = new();

    /// <summary>The first GOAWAY the client sent.</summary>
    public TaskCompletionSource<Http2ErrorCode> GoAway { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the client acknowledged the server's SETTINGS, i.e. applied them.</summary>
    public TaskCompletionSource SettingsAcknowledged { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Every WINDOW_UPDATE the client sent for a stream (not the connection): stream and increment.</summary>
    public ConcurrentQueue<(int StreamId, int Increment)> StreamWindowUpdates { get; } = new();

    /// <summary>Completes when a stream WINDOW_UPDATE arrives.</summary>
    public TaskCompletionSource StreamWindowUpdated { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the client acknowledges a PING: it has read every frame sent before it.</summary>
    public TaskCompletionSource PingAcknowledged { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when a RST_STREAM arrives.</summary>
    public TaskCompletionSource ResetReceived { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>A gRPC message as it travels: the 5-byte prefix, then the protobuf bytes.</summary>
    public static byte[] Framed(IMessage message)
    {
        var body = message.ToByteArray();
        var framed = new byte[5 + body.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(framed.AsSpan(1), body.Length);
        body.CopyTo(framed, 5);
        return framed;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        foreach (var connection in _connections)
        {
            connection.Abort();
        }

        await _accepting.WaitAsync(TimeSpan.FromSeconds(10));
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token);
                Interlocked.Increment(ref _accepted);
                var connection = new Connection(this, socket);
                _connections.Add(connection);
                _ = connection.RunAsync(_stop.Token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }

    /// <summary>One request: its stream, its header fields, and which connection (1-based) it came on.</summary>
    public sealed record Request(int StreamId, IReadOnlyDictionary<string, string> Headers, int ConnectionNumber);

    /// <summary>One accepted connection; the script writes frames on it.</summary>
    public sealed class Connection(ScriptedHttp2Server server, Socket socket)
    {
        private readonly NetworkStream _stream = new(socket, ownsSocket: true);
        private readonly SemaphoreSlim _writeGate = new(1, 1);
        private readonly HpackEncoder _encoder = new();
        private readonly HpackDecoder _decoder = new();
        private readonly int _number = server.Accepted;

        public async Task SendHeadersAsync(int streamId, bool endStream, params (string Name, string Value)[] fields)
        {
            var block = new ArrayBufferWriter<byte>();
            foreach (var (name, value) in fields)
            {
                _encoder.Encode(block, name, value);
            }

            await SendAsync(output => Http2Frames.WriteHeaders(output, streamId, block.WrittenSpan, endStream, Http2Frames.DefaultMaxFrameSize));
        }

        /// <summary>The usual start of a gRPC answer.</summary>
        public Task SendOkHeadersAsync(int streamId) => SendHeadersAsync(streamId, false, (":status", "200"), ("content-type", "application/grpc"));

        /// <summary>DATA frames of at most the default frame size, the last one ending the stream if asked.</summary>
        public Task SendDataAsync(int streamId, byte[] data, bool endStream) => SendAsync(output =>
        {
            var offset = 0;
            do
            {
                var size = Math.Min(data.Length - offset, Http2Frames.DefaultMaxFrameSize);
                Http2Frames.WriteData(output, streamId, data.AsSpan(offset, size), endStream && offset + size == data.Length);
                offset += size;
            }
            while (offset < data.Length);
        });

        public Task SendPingAsync() => SendAsync(output => Http2Frames.WritePing(output, 42, ack: false));

        public Task SendGoAwayAsync(int lastStreamId, Http2ErrorCode code) =>
            SendAsync(output => Http2Frames.WriteGoAway(output, lastStreamId, code));

        /// <summary>A frame header with any type, flags and stream, and a payload: for frames a correct peer never sends.</summary>
        public Task SendRawFrameAsync(Http2FrameType type, Http2FrameFlags flags, int streamId, byte[] payload) => SendAsync(output =>
        {
            var header = output.GetSpan(Http2FrameHeader.Size);
            header[0] = (byte)(payload.Length >> 16);
            header[1] = (byte)(payload.Length >> 8);
            header[2] = (byte)payload.Length;
            header[3] = (byte)type;
            header[4] = (byte)flags;
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header[5..], streamId);
            output.Advance(Http2FrameHeader.Size);
            output.Write(payload);
        });

        /// <summary>A whole OK answer: headers, one message, trailers.</summary>
        public async Task SendOkAsync(int streamId, IMessage response, params (string Name, string Value)[] trailers)
        {
            await SendOkHeadersAsync(streamId);
            await SendDataAsync(streamId, Framed(response), endStream: false);
            await SendHeadersAsync(streamId, true, [("grpc-status", "0"), .. trailers]);
        }

        /// <summary>Drops the TCP connection without a word.</summary>
        public void Abort()
        {
            try
            {
                socket.Shutdown(SocketShutdown.Both);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                // Already gone.
            }

            _stream.Dispose();
        }

        internal async Task RunAsync(CancellationToken cancellationToken)
        {
            var input = PipeReader.Create(_stream);
            try
            {
                await ReadPrefaceAsync(input, cancellationToken);
                await SendAsync(output => Http2Frames.WriteSettings(output, server.Settings.ToArray()));
                while (true)
                {
                    var result = await input.ReadAsync(cancellationToken);
                    var buffer = result.Buffer;
                    var requests = new List<Request>();
                    while (Http2Frames.TryReadFrame(ref buffer, Http2Frames.DefaultMaxFrameSize, out var header, out var payload))
                    {
                        await OnFrameAsync(header, payload, requests);
                    }

                    input.AdvanceTo(buffer.Start, buffer.End);
                    foreach (var request in requests)
                    {
                        _ = server._respond(this, request);
                    }

                    if (result.IsCompleted)
                    {
                        return;
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or SocketException or InvalidOperationException)
            {
                // The client or the test closed the connection.
            }
        }

        private async Task OnFrameAsync(Http2FrameHeader header, ReadOnlySequence<byte> payload, List<Request> requests)
        {
            switch (header.Type)
            {
                case Http2FrameType.Settings when !header.HasFlag(Http2FrameFlags.Ack):
                    await SendAsync(Http2Frames.WriteSettingsAck);
                    break;
                case Http2FrameType.Settings:
                    server.SettingsAcknowledged.TrySetResult();
                    break;
                case Http2FrameType.Headers:
                    var fields = new HeaderCollector();
                    _decoder.Decode(Http2Frames.ContentOf(header, payload), fields);
                    requests.Add(new Request(header.StreamId, fields.Fields, _number));
                    break;
                case Http2FrameType.RstStream:
                    server.Resets.Enqueue((header.StreamId, Http2Frames.ReadRstStream(payload)));
                    server.ResetReceived.TrySetResult();
                    break;
                case Http2FrameType.WindowUpdate when header.StreamId != 0:
                    server.StreamWindowUpdates.Enqueue((header.StreamId, Http2Frames.ReadWindowUpdate(payload)));
                    server.StreamWindowUpdated.TrySetResult();
                    break;
                case Http2FrameType.Ping when header.HasFlag(Http2FrameFlags.Ack):
                    server.PingAcknowledged.TrySetResult();
                    break;
                case Http2FrameType.GoAway:
                    server.GoAway.TrySetResult(Http2Frames.ReadGoAway(payload).ErrorCode);
                    break;
            }
        }

        private static async Task ReadPrefaceAsync(PipeReader input, CancellationToken cancellationToken)
        {
            while (true)
            {
                var result = await input.ReadAsync(cancellationToken);
                if (result.Buffer.Length >= Http2Frames.ClientPreface.Length)
                {
                    input.AdvanceTo(result.Buffer.GetPosition(Http2Frames.ClientPreface.Length));
                    return;
                }

                input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
                if (result.IsCompleted)
                {
                    throw new IOException("the client left before its preface");
                }
            }
        }

        private async Task SendAsync(Action<IBufferWriter<byte>> write)
        {
            var frame = new ArrayBufferWriter<byte>();
            write(frame);
            await _writeGate.WaitAsync();
            try
            {
                await _stream.WriteAsync(frame.WrittenMemory);
            }
            finally
            {
                _writeGate.Release();
            }
        }
    }

    private sealed class HeaderCollector : IHpackHeaderHandler
    {
        public Dictionary<string, string> Fields { get; } = [];

        public void OnHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value) => Fields[Encoding.ASCII.GetString(name)] = Encoding.UTF8.GetString(value);
    }
}
