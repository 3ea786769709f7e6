using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace RocketTax.RocketMQ.Remoting;

/// <summary>
/// RocketMQ's own header serialization (serialize type 1, <c>ROCKETMQ</c>), which Java peers use when told to
/// (<c>rocketmq.serialize.type=ROCKETMQ</c>): <c>code int16 · language byte · version int16 · opaque int32 · flag int32 ·
/// remarkLength int32 + remark · extFieldsLength int32 + (keyLength int16 + key · valueLength int32 + value)*</c>,
/// big-endian, strings in UTF-8. No text to parse: the cheapest header to read and write.
/// </summary>
internal static class RemotingHeaderBinary
{
    public const string Name = "ROCKETMQ";

    private const int FixedLength = 2 + 1 + 2 + 4 + 4 + 4 + 4;

    // LanguageCode's ordinals, as Java peers number them.
    private static readonly string[] Languages = ["JAVA", "CPP", "DOTNET", "PYTHON", "DELPHI", "ERLANG", "RUBY", "OTHER", "HTTP", "GO", "PHP", "OMS", "RUST"];

    /// <param name="strings">The connection's previous header values, whose strings a repeated value reuses; null decodes every value.</param>
    /// <exception cref="RemotingProtocolException">A length points outside the header.</exception>
    public static RemotingCommand Read(ReadOnlySequence<byte> sequence, HeaderValueStrings? strings = null)
    {
        var header = sequence.IsSingleSegment ? sequence.FirstSpan : sequence.ToArray();
        if (header.Length < FixedLength)
        {
            throw new RemotingProtocolException($"a ROCKETMQ header needs at least {FixedLength} bytes, this one has {header.Length}");
        }

        var language = header[2];
        var command = new RemotingCommand
        {
            Code = BinaryPrimitives.ReadInt16BigEndian(header),
            Language = language < Languages.Length ? Languages[language] : "OTHER",
            Version = BinaryPrimitives.ReadInt16BigEndian(header[3..]),
            Opaque = BinaryPrimitives.ReadInt32BigEndian(header[5..]),
            Flag = BinaryPrimitives.ReadInt32BigEndian(header[9..]),
            SerializeTypeCurrentRpc = Name,
        };
        var rest = header[13..];
        var remark = Take(ref rest, ReadLength(ref rest, 4, "remark"), "remark");
        command.Remark = remark.IsEmpty ? null : Encoding.UTF8.GetString(remark);
        var fields = Take(ref rest, ReadLength(ref rest, 4, "extFields"), "extFields");
        if (!fields.IsEmpty)
        {
            command.ExtFields = new Dictionary<string, string>(HeaderKeys.CapacityFor(fields.Length), StringComparer.Ordinal);
            while (!fields.IsEmpty)
            {
                var key = HeaderKeys.Get(Take(ref fields, ReadLength(ref fields, 2, "an extFields key"), "an extFields key"));
                var value = Take(ref fields, ReadLength(ref fields, 4, "extFields", key), "extFields", key);
                command.ExtFields[key] = strings?.Get(key, value) ?? Encoding.UTF8.GetString(value);
            }
        }

        return command;
    }

    public static void Write(RemotingCommand command, IBufferWriter<byte> output)
    {
        var remarkLength = command.Remark is null ? 0 : Encoding.UTF8.GetByteCount(command.Remark);
        var fieldsLength = 0;
        foreach (var (key, value) in command.ExtFields ?? [])
        {
            fieldsLength += 2 + Encoding.UTF8.GetByteCount(key) + 4 + Encoding.UTF8.GetByteCount(value);
        }

        var length = FixedLength + remarkLength + fieldsLength;
        var span = output.GetSpan(length);
        BinaryPrimitives.WriteInt16BigEndian(span, (short)command.Code);
        var language = Array.IndexOf(Languages, command.Language);
        span[2] = (byte)(language < 0 ? Array.IndexOf(Languages, "OTHER") : language);
        BinaryPrimitives.WriteInt16BigEndian(span[3..], (short)command.Version);
        BinaryPrimitives.WriteInt32BigEndian(span[5..], command.Opaque);
        BinaryPrimitives.WriteInt32BigEndian(span[9..], command.Flag);
        BinaryPrimitives.WriteInt32BigEndian(span[13..], remarkLength);
        var at = 17 + (command.Remark is null ? 0 : Encoding.UTF8.GetBytes(command.Remark, span[17..]));
        BinaryPrimitives.WriteInt32BigEndian(span[at..], fieldsLength);
        at += 4;
        foreach (var (key, value) in command.ExtFields ?? [])
        {
            var keyLength = Encoding.UTF8.GetBytes(key, span[(at + 2)..]);
            BinaryPrimitives.WriteInt16BigEndian(span[at..], (short)keyLength);
            at += 2 + keyLength;
            var valueLength = Encoding.UTF8.GetBytes(value, span[(at + 4)..]);
            BinaryPrimitives.WriteInt32BigEndian(span[at..], valueLength);
            at += 4 + valueLength;
        }

        output.Advance(length);
    }

    // The field's name comes apart from its kind, so the message is only made when a length is wrong.
    private static int ReadLength(ref ReadOnlySpan<byte> rest, int size, string what, string? key = null)
    {
        if (rest.Length < size)
        {
            throw new RemotingProtocolException($"the ROCKETMQ header ends before the length of {Describe(what, key)}");
        }

        var length = size == 2 ? BinaryPrimitives.ReadInt16BigEndian(rest) : BinaryPrimitives.ReadInt32BigEndian(rest);
        rest = rest[size..];
        return length;
    }

    private static ReadOnlySpan<byte> Take(ref ReadOnlySpan<byte> rest, int length, string what, string? key = null)
    {
        if (length < 0 || length > rest.Length)
        {
            throw new RemotingProtocolException($"the ROCKETMQ header says {Describe(what, key)} is {length} bytes, and {rest.Length} are left");
        }

        var taken = rest[..length];
        rest = rest[length..];
        return taken;
    }

    private static string Describe(string what, string? key) => key is null ? what : $"{what} '{key}'";
}
