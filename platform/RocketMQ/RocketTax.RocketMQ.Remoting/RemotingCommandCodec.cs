using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json;

namespace RocketTax.RocketMQ.Remoting;

/// <summary>
/// The remoting frame: 4-byte big-endian length of everything after it, 4-byte header length whose top byte
/// is the serialize type (0 = JSON, 1 = ROCKETMQ's binary form), the header, then the body.
/// </summary>
public static class RemotingCommandCodec
{
    /// <summary>RocketMQ's own ceiling (<c>com.rocketmq.remoting.frameMaxLength</c>, 16 MiB).</summary>
    public const int MaxFrameLength = 16 * 1024 * 1024;

    /// <summary>
    /// How much a connection reads at once: several 1 KiB sends per read, and a frame split across two pipe segments
    /// (whose header must then be copied out) rarer than with the pipe's 4 KiB default.
    /// </summary>
    public const int ReadBufferSize = 64 * 1024;

    internal const byte SerializeTypeJson = 0;
    internal const byte SerializeTypeRocketMq = 1;

    /// <summary>
    /// Takes one whole frame off the front of <paramref name="buffer"/>; false when more bytes are needed.
    /// Throws <see cref="RemotingProtocolException"/> for a frame no peer may send: the connection must close.
    /// </summary>
    /// <param name="strings">The reading connection's previous header values (see <see cref="HeaderValueStrings"/>); null decodes every value.</param>
    public static bool TryRead(ref ReadOnlySequence<byte> buffer, out RemotingCommand command, HeaderValueStrings? strings = null)
    {
        command = null!;
        if (buffer.Length < 4)
        {
            return false;
        }

        Span<byte> prefix = stackalloc byte[8];
        buffer.Slice(0, Math.Min(8, buffer.Length)).CopyTo(prefix);
        var length = BinaryPrimitives.ReadInt32BigEndian(prefix);
        if (length < 4 || length > MaxFrameLength)
        {
            throw new RemotingProtocolException(
                $"frame length {length} is outside 4..{MaxFrameLength} bytes (is this a RocketMQ remoting client?)");
        }

        if (buffer.Length < 4L + length)
        {
            return false;
        }

        var headerField = BinaryPrimitives.ReadInt32BigEndian(prefix[4..]);
        var serializeType = (byte)((headerField >> 24) & 0xFF);
        var headerLength = headerField & 0x00FF_FFFF;
        if (serializeType is not (SerializeTypeJson or SerializeTypeRocketMq))
        {
            throw new RemotingProtocolException(
                $"serialize type {serializeType} is not supported; this server speaks JSON (type 0) and ROCKETMQ (type 1)");
        }

        if (headerLength > length - 4)
        {
            throw new RemotingProtocolException($"header length {headerLength} exceeds the frame length {length}");
        }

        var frame = buffer.Slice(8, length - 4);
        var header = frame.Slice(0, headerLength);
        try
        {
            command = serializeType == SerializeTypeRocketMq ? RemotingHeaderBinary.Read(header, strings) : RemotingHeaderJson.Read(header, strings);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            throw new RemotingProtocolException($"the header is not RocketMQ remoting JSON: {ex.Message}");
        }

        // What the frame says, whatever a JSON header claims: the answer is written the same way.
        command.SerializeTypeCurrentRpc = serializeType == SerializeTypeRocketMq ? RemotingHeaderBinary.Name : "JSON";
        var bodyLength = length - 4 - headerLength;
        command.Body = bodyLength > 0 ? frame.Slice(headerLength, bodyLength).ToArray() : null;
        buffer = buffer.Slice(4L + length);
        return true;
    }

    /// <summary>
    /// Writes <paramref name="command"/> as one frame, for a one-off write; a connection writing frame after frame
    /// keeps a <see cref="RemotingFrameWriter"/>, whose scratch space it reuses.
    /// </summary>
    public static void Write(RemotingCommand command, IBufferWriter<byte> output) => new RemotingFrameWriter().Write(command, output);

    /// <summary>The frame as one array, for tests and one-off writes.</summary>
    public static byte[] Encode(RemotingCommand command)
    {
        var buffer = new ArrayBufferWriter<byte>();
        Write(command, buffer);
        return buffer.WrittenSpan.ToArray();
    }
}
