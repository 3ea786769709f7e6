using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using CsCheck;

namespace RocketTax.Chaos.Fuzzing;

/// <summary>One fuzzed remoting frame: a header JSON (well-formed with hostile values, or raw bytes), lengths that may lie, a body, trailing bytes.</summary>
public sealed record RemotingInput(int Code, string Key, string Value, int LengthSkew, int HeaderSkew, byte SerializeType, bool RawHeader, byte[] Body)
{
    private static readonly int[] KnownCodes = [103, 104, 105, 106, 17, 206, 0, 1, 2, 10, 11, 12, 34, 38, 310];

    public static readonly Gen<RemotingInput> Gen = CsCheck.Gen.Select(
        CsCheck.Gen.Frequency((3, CsCheck.Gen.OneOf(KnownCodes)), (1, HostileValues.Int)),
        HostileValues.String, HostileValues.String,
        CsCheck.Gen.Frequency((4, CsCheck.Gen.Const(0)), (1, CsCheck.Gen.Int[-16, 16]), (1, HostileValues.Int)),
        CsCheck.Gen.Frequency((4, CsCheck.Gen.Const(0)), (1, CsCheck.Gen.Int[-16, 16]), (1, HostileValues.Int)),
        CsCheck.Gen.Frequency((5, CsCheck.Gen.Const((byte)0)), (1, CsCheck.Gen.Byte)),
        CsCheck.Gen.Bool,
        HostileValues.Bytes,
        (code, key, value, lengthSkew, headerSkew, serializeType, rawHeader, body) =>
            new RemotingInput(code, key, value, lengthSkew, headerSkew, serializeType, rawHeader && body.Length > 0, body));

    /// <summary>The bytes on the wire.</summary>
    public byte[] Encode()
    {
        var header = RawHeader
            ? Body
            : Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["code"] = Code,
                ["flag"] = Code & 3,
                ["opaque"] = Code,
                ["language"] = "JAVA",
                ["version"] = Code,
                ["extFields"] = new Dictionary<string, string>
                {
                    [Key] = Value,
                    ["topic"] = Value,
                    ["brokerName"] = Key,
                    ["brokerAddr"] = Value,
                    ["clusterName"] = Key,
                    ["brokerId"] = Value,
                    ["consumerGroup"] = Value,
                },
            }));
        var frame = new byte[8 + header.Length + Body.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, unchecked(4 + header.Length + Body.Length + LengthSkew));
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(4), unchecked((SerializeType << 24) | ((header.Length + HeaderSkew) & 0x00FF_FFFF)));
        header.CopyTo(frame, 8);
        Body.CopyTo(frame, 8 + header.Length);
        return frame;
    }

    public override string ToString() =>
        $"code {Code}, key '{Trim(Key)}', value '{Trim(Value)}', length skew {LengthSkew}, header skew {HeaderSkew}, serialize type {SerializeType}, raw header {RawHeader}, body {Body.Length} bytes";

    private static string Trim(string text) => text.Length > 40 ? text[..40] + $"...({text.Length} chars)" : text;
}
