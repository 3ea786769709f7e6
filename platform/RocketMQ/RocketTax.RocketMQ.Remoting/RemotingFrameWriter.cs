using System.Buffers;
using System.Buffers.Binary;

namespace RocketTax.RocketMQ.Remoting;

/// <summary>
/// Writes remoting frames (see <see cref="RemotingCommandCodec"/>) through scratch space it keeps: the header is
/// written there first, since the frame's prefix carries its length. One per writer (a connection's write loop): it is
/// not for concurrent use.
/// </summary>
public sealed class RemotingFrameWriter
{
    private readonly ArrayBufferWriter<byte> _header = new(512);

    /// <summary>Writes <paramref name="command"/> as one frame, its header in the serialize type it names (<see cref="RemotingCommand.SerializeTypeCurrentRpc"/>).</summary>
    /// <exception cref="RemotingProtocolException">The frame would exceed <see cref="RemotingCommandCodec.MaxFrameLength"/>; nothing was written.</exception>
    public void Write(RemotingCommand command, IBufferWriter<byte> output)
    {
        _header.ResetWrittenCount();
        var binary = command.SerializeTypeCurrentRpc == RemotingHeaderBinary.Name;
        if (binary)
        {
            RemotingHeaderBinary.Write(command, _header);
        }
        else
        {
            RemotingHeaderJson.Write(command, _header);
        }

        var header = _header.WrittenSpan;
        var bodyLength = command.Body?.Length ?? 0;
        var length = 4 + header.Length + bodyLength;
        if (length > RemotingCommandCodec.MaxFrameLength)
        {
            throw new RemotingProtocolException($"a {length}-byte frame exceeds the {RemotingCommandCodec.MaxFrameLength}-byte limit; send less per request");
        }

        var prefix = output.GetSpan(8);
        var serializeType = binary ? RemotingCommandCodec.SerializeTypeRocketMq : RemotingCommandCodec.SerializeTypeJson;
        BinaryPrimitives.WriteInt32BigEndian(prefix, length);
        BinaryPrimitives.WriteInt32BigEndian(prefix[4..], (serializeType << 24) | header.Length);
        output.Advance(8);
        header.CopyTo(output.GetSpan(header.Length));
        output.Advance(header.Length);
        if (bodyLength > 0)
        {
            output.Write(command.Body);
        }
    }
}
