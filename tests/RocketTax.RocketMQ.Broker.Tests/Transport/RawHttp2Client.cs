using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;
using RocketTax.RocketMQ.Http2;

namespace RocketTax.RocketMQ.Broker.Tests.Transport;

/// <summary>
/// HTTP/2 by hand over a loopback socket, for what a gRPC client library never sends: a wrong preface, a
/// compressed flag, a message longer than the broker takes. Frames are written and read one by one.
/// </summary>
public sealed class RawHttp2Client : IAsyncDisposable, IHpackHeaderHandler
{
    private readonly TcpClient _tcp = new();
    private readonly HpackEncoder _encoder = new();
    private readonly HpackDecoder _decoder = new();
    private readonly Dictionary<string, string> _decoded = [];
    private NetworkStream _stream = null!;
    private byte[] _received = new byte[64 * 1024];
    private int _held;

    public static async Task<RawHttp2Client> ConnectAsync(int port, CancellationToken cancellationToken)
    {
        var client = new RawHttp2Client();
        await client._tcp.ConnectAsync("127.0.0.1", port, cancellationToken);
        client._stream = client._tcp.GetStream();
        return client;
    }

    public async Task SendRawAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken) =>
        await _stream.WriteAsync(bytes, cancellationToken);

    /// <summary>The client preface and an empty SETTINGS, as every HTTP/2 client opens.</summary>
    public Task SendPrefaceAsync(CancellationToken cancellationToken) => SendAsync(output =>
    {
        output.Write(Http2Frames.ClientPreface);
        Http2Frames.WriteSettings(output, []);
    }, cancellationToken);

    public Task SendAsync(Action<ArrayBufferWriter<byte>> frames, CancellationToken cancellationToken)
    {
        var output = new ArrayBufferWriter<byte>();
        frames(output);
        return SendRawAsync(output.WrittenMemory, cancellationToken);
    }

    /// <summary>HEADERS opening a gRPC call of <paramref name="path"/> on <paramref name="streamId"/>, then one DATA frame with <paramref name="body"/>.</summary>
    public Task SendCallAsync(int streamId, string path, ReadOnlyMemory<byte> body, CancellationToken cancellationToken) => SendAsync(output =>
    {
        Http2Frames.WriteHeaders(output, streamId, HeaderBlock(path), endStream: false, Http2Frames.DefaultMaxFrameSize);
        Http2Frames.WriteData(output, streamId, body.Span, endStream: true);
    }, cancellationToken);

    /// <summary>The request header block of a gRPC call of <paramref name="path"/>.</summary>
    public byte[] HeaderBlock(string path)
    {
        var block = new ArrayBufferWriter<byte>();
        _encoder.Encode(block, ":method", "POST");
        _encoder.Encode(block, ":scheme", "http");
        _encoder.Encode(block, ":path", path);
        _encoder.Encode(block, ":authority", "127.0.0.1");
        _encoder.Encode(block, "content-type", "application/grpc");
        _encoder.Encode(block, "te", "trailers");
        _encoder.Encode(block, "x-mq-client-id", "raw@test");
        return block.WrittenSpan.ToArray();
    }

    /// <summary>A frame as given, flags and all: for what <see cref="Http2Frames"/> would never write, such as a lone CONTINUATION.</summary>
    public static void WriteFrame(ArrayBufferWriter<byte> output, Http2FrameType type, Http2FrameFlags flags, int streamId, ReadOnlySpan<byte> payload)
    {
        new Http2FrameHeader(payload.Length, type, flags, streamId).Write(output.GetSpan(Http2FrameHeader.Size));
        output.Advance(Http2FrameHeader.Size);
        output.Write(payload);
    }

    /// <summary>A gRPC message prefix: the compressed flag and a length (which the bytes after it need not match).</summary>
    public static byte[] MessagePrefix(bool compressed, uint length)
    {
        var prefix = new byte[5];
        prefix[0] = compressed ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32BigEndian(prefix.AsSpan(1), length);
        return prefix;
    }

    /// <summary>The next frame the broker sends; null when it closed the connection.</summary>
    public async Task<(Http2FrameHeader Header, byte[] Payload)?> ReadFrameAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var buffer = new ReadOnlySequence<byte>(_received, 0, _held);
            if (Http2Frames.TryReadFrame(ref buffer, 1024 * 1024, out var header, out var payload))
            {
                var frame = (header, payload.ToArray());
                var consumed = _held - (int)buffer.Length;
                _received.AsSpan(consumed, _held - consumed).CopyTo(_received);
                _held -= consumed;
                return frame;
            }

            if (_held == _received.Length)
            {
                Array.Resize(ref _received, _received.Length * 2);
            }

            int read;
            try
            {
                read = await _stream.ReadAsync(_received.AsMemory(_held), cancellationToken);
            }
            catch (IOException)
            {
                return null;
            }

            if (read == 0)
            {
                return null;
            }

            _held += read;
        }
    }

    /// <summary>Reads frames until one of <paramref name="type"/> (on <paramref name="streamId"/> when given) or the end of the connection.</summary>
    public async Task<(Http2FrameHeader Header, byte[] Payload)?> ReadUntilAsync(Http2FrameType type, CancellationToken cancellationToken, int? streamId = null)
    {
        while (await ReadFrameAsync(cancellationToken) is { } frame)
        {
            if (frame.Header.Type == type && (streamId is null || frame.Header.StreamId == streamId))
            {
                return frame;
            }
        }

        return null;
    }

    /// <summary>The fields of a header block the broker sent (whole, in one HEADERS frame).</summary>
    public IReadOnlyDictionary<string, string> Decode(byte[] headerBlock)
    {
        _decoded.Clear();
        _decoder.Decode(new ReadOnlySequence<byte>(headerBlock), this);
        return new Dictionary<string, string>(_decoded);
    }

    void IHpackHeaderHandler.OnHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value) =>
        _decoded[Encoding.ASCII.GetString(name)] = Encoding.UTF8.GetString(value);

    public async ValueTask DisposeAsync()
    {
        if (_stream is not null)
        {
            await _stream.DisposeAsync();
        }

        _tcp.Dispose();
    }
}
