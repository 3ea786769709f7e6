using System.Buffers.Binary;
using System.Text;
using CsCheck;

namespace RocketTax.Chaos.Fuzzing;

/// <summary>Raw HTTP/2 on the gRPC port: the client preface (sometimes damaged or missing) and up to six frames of any type, flags, stream and length.</summary>
public sealed record Http2Input(int Preface, Http2Frame[] Frames)
{
    private static readonly byte[] ClientPreface = Encoding.ASCII.GetBytes("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");

    public static readonly Gen<Http2Input> Gen = CsCheck.Gen.Select(
        CsCheck.Gen.Frequency((6, CsCheck.Gen.Const(0)), (1, CsCheck.Gen.Const(1)), (1, CsCheck.Gen.Const(2))),
        Http2Frame.Gen.Array[0, 6],
        (preface, frames) => new Http2Input(preface, frames));

    public byte[] Encode()
    {
        using var stream = new MemoryStream();
        switch (Preface)
        {
            case 0:
                stream.Write(ClientPreface);
                break;
            case 1:
                // A preface damaged in one byte.
                var damaged = ClientPreface.ToArray();
                damaged[Frames.Length % damaged.Length] ^= 0x20;
                stream.Write(damaged);
                break;
        }

        foreach (var frame in Frames)
        {
            frame.WriteTo(stream);
        }

        return stream.ToArray();
    }

    public override string ToString() => $"preface {Preface}, frames [{string.Join("; ", Frames.Select(f => f.ToString()))}]";
}

/// <summary>One HTTP/2 frame: a 9-byte header (length may lie) and its payload.</summary>
public sealed record Http2Frame(byte Type, byte Flags, int StreamId, int LengthSkew, byte[] Payload)
{
    public static readonly Gen<Http2Frame> Gen = CsCheck.Gen.Select(
        CsCheck.Gen.Frequency((6, CsCheck.Gen.Byte[0, 9]), (1, CsCheck.Gen.Byte)),
        CsCheck.Gen.Byte,
        CsCheck.Gen.Frequency((3, CsCheck.Gen.OneOf(0, 1, 3, 5, int.MaxValue)), (1, CsCheck.Gen.Int)),
        CsCheck.Gen.Frequency((6, CsCheck.Gen.Const(0)), (1, CsCheck.Gen.Int[-9, 9]), (1, CsCheck.Gen.Int[0, 0xFF_FFFF])),
        CsCheck.Gen.Byte.Array[0, 300],
        (type, flags, streamId, lengthSkew, payload) => new Http2Frame(type, flags, streamId, lengthSkew, payload));

    public void WriteTo(Stream stream)
    {
        Span<byte> header = stackalloc byte[9];
        var length = Math.Max(0, Payload.Length + LengthSkew) & 0xFF_FFFF;
        header[0] = (byte)(length >> 16);
        header[1] = (byte)(length >> 8);
        header[2] = (byte)length;
        header[3] = Type;
        header[4] = Flags;
        BinaryPrimitives.WriteInt32BigEndian(header[5..], StreamId);
        stream.Write(header);
        stream.Write(Payload);
    }

    public override string ToString() => $"type {Type} flags 0x{Flags:x2} stream {StreamId} length skew {LengthSkew} payload {Payload.Length} bytes";
}
