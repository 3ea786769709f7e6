using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace RocketTax.RocketMQ.Remoting;

/// <summary>
/// The JSON header of a remoting frame, read and written field by field: a send's header is parsed and its answer
/// written once per message, and the reflection-driven serializer spent several times what this does on it.
/// Reads what Java peers write (<c>extFields</c> values as strings, numbers possibly quoted) and skips unknown fields:
/// the usual shape with <see cref="RemotingHeaderJsonScanner"/>, any other with <see cref="Utf8JsonReader"/>.
/// </summary>
internal static class RemotingHeaderJson
{
    /// <param name="strings">The connection's previous header values, whose strings a repeated value reuses; null decodes every value.</param>
    /// <exception cref="JsonException">The header is not a JSON object of that shape.</exception>
    public static RemotingCommand Read(ReadOnlySequence<byte> header, HeaderValueStrings? strings = null) =>
        header.IsSingleSegment && RemotingHeaderJsonScanner.TryRead(header.FirstSpan, strings, out var scanned)
            ? scanned
            : ReadAnyShape(header, strings);

    /// <summary>Reads any JSON header with <see cref="Utf8JsonReader"/>: what <see cref="RemotingHeaderJsonScanner"/> leaves to it.</summary>
    /// <exception cref="JsonException">The header is not a JSON object of that shape.</exception>
    internal static RemotingCommand ReadAnyShape(ReadOnlySequence<byte> header, HeaderValueStrings? strings = null)
    {
        var reader = new Utf8JsonReader(header);
        Expect(ref reader, JsonTokenType.StartObject);
        var command = new RemotingCommand();
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("code"u8))
            {
                command.Code = ReadInt(ref reader);
            }
            else if (reader.ValueTextEquals("flag"u8))
            {
                command.Flag = ReadInt(ref reader);
            }
            else if (reader.ValueTextEquals("opaque"u8))
            {
                command.Opaque = ReadInt(ref reader);
            }
            else if (reader.ValueTextEquals("version"u8))
            {
                command.Version = ReadInt(ref reader);
            }
            else if (reader.ValueTextEquals("language"u8))
            {
                command.Language = ReadString(ref reader, "language", strings) ?? command.Language;
            }
            else if (reader.ValueTextEquals("remark"u8))
            {
                command.Remark = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("extFields"u8))
            {
                command.ExtFields = ReadFields(ref reader, header.Length, strings);
            }
            else
            {
                Next(ref reader);
                reader.Skip();
            }
        }

        if (reader.TokenType != JsonTokenType.EndObject)
        {
            throw new JsonException($"expected a field name or the end of the header, found {reader.TokenType}");
        }

        return command;
    }

    /// <summary>
    /// Writes the header of <paramref name="command"/> to <paramref name="output"/>. By hand rather than through
    /// <see cref="Utf8JsonWriter"/>: an answer's header is written once per message, and the writer's validation and
    /// HTML-safe escaping (non-ASCII, <c>&lt;</c>, <c>+</c> and the like as <c>\uXXXX</c>) cost twice what the
    /// binary header does. Strings escape only what JSON requires (<c>"</c>, <c>\</c>, control characters).
    /// </summary>
    public static void Write(RemotingCommand command, IBufferWriter<byte> output)
    {
        Raw(output, "{\"code\":"u8);
        Number(output, command.Code);
        Raw(output, ",\"flag\":"u8);
        Number(output, command.Flag);
        Raw(output, ",\"opaque\":"u8);
        Number(output, command.Opaque);
        Raw(output, ",\"language\":"u8);
        String(output, command.Language);
        Raw(output, ",\"version\":"u8);
        Number(output, command.Version);
        if (command.Remark is not null)
        {
            Raw(output, ",\"remark\":"u8);
            String(output, command.Remark);
        }

        if (command.ExtFields is not null)
        {
            Raw(output, ",\"extFields\":{"u8);
            var first = true;
            foreach (var (name, value) in command.ExtFields)
            {
                if (!first)
                {
                    Raw(output, ","u8);
                }

                first = false;
                String(output, name);
                Raw(output, ":"u8);
                String(output, value);
            }

            Raw(output, "}"u8);
        }

        Raw(output, ",\"serializeTypeCurrentRPC\":"u8);
        String(output, command.SerializeTypeCurrentRpc);
        Raw(output, "}"u8);
    }

    private static void Raw(IBufferWriter<byte> output, ReadOnlySpan<byte> utf8)
    {
        utf8.CopyTo(output.GetSpan(utf8.Length));
        output.Advance(utf8.Length);
    }

    private static void Number(IBufferWriter<byte> output, int value)
    {
        var span = output.GetSpan(11);
        value.TryFormat(span, out var written, default, CultureInfo.InvariantCulture);
        output.Advance(written);
    }

    /// <summary>A JSON string: the UTF-8 of <paramref name="value"/> in quotes, escaped where JSON requires it; null as null.</summary>
    private static void String(IBufferWriter<byte> output, string? value)
    {
        if (value is null)
        {
            Raw(output, "null"u8);
            return;
        }

        // Each UTF-16 unit is at most 3 UTF-8 bytes, and an escaped one 6 (\u001F).
        var span = output.GetSpan(2 + (value.Length * 6));
        span[0] = (byte)'"';
        var length = Encoding.UTF8.GetBytes(value, span[1..]);
        var written = span.Slice(1, length);
        var first = written.IndexOfAny(MustEscape);
        if (first >= 0)
        {
            length = first + Escape(written[first..length], span[(1 + first)..]);
        }

        span[1 + length] = (byte)'"';
        output.Advance(length + 2);
    }

    private static readonly SearchValues<byte> MustEscape =
        SearchValues.Create([(byte)'"', (byte)'\\', .. Enumerable.Range(0, 0x20).Select(b => (byte)b)]);

    /// <summary>
    /// Escapes <paramref name="utf8"/> into <paramref name="destination"/> (which may be where it lies: it is copied
    /// first), returning the escaped length.
    /// </summary>
    private static int Escape(ReadOnlySpan<byte> utf8, Span<byte> destination)
    {
        var source = utf8.ToArray();
        var at = 0;
        foreach (var b in source)
        {
            if (!MustEscape.Contains(b))
            {
                destination[at++] = b;
                continue;
            }

            destination[at++] = (byte)'\\';
            switch (b)
            {
                case (byte)'"' or (byte)'\\':
                    destination[at++] = b;
                    break;
                case (byte)'\n':
                    destination[at++] = (byte)'n';
                    break;
                case (byte)'\r':
                    destination[at++] = (byte)'r';
                    break;
                case (byte)'\t':
                    destination[at++] = (byte)'t';
                    break;
                default:
                    destination[at++] = (byte)'u';
                    b.TryFormat(destination[at..], out _, "X4", CultureInfo.InvariantCulture);
                    at += 4;
                    break;
            }
        }

        return at;
    }

    private static Dictionary<string, string>? ReadFields(ref Utf8JsonReader reader, long headerLength, HeaderValueStrings? strings)
    {
        if (Next(ref reader) == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException($"extFields must be an object of strings, found {reader.TokenType}");
        }

        var fields = new Dictionary<string, string>(HeaderKeys.CapacityFor((int)(headerLength - reader.BytesConsumed)), StringComparer.Ordinal);
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            var name = reader.ValueIsEscaped || reader.HasValueSequence ? reader.GetString()! : HeaderKeys.Get(reader.ValueSpan);
            if (ReadString(ref reader, name, strings) is { } value)
            {
                fields[name] = value;
            }
        }

        return fields;
    }

    /// <summary>
    /// A string, or the text of a number or boolean (a Java map of strings may hold either); null for JSON null. The
    /// value of <paramref name="field"/> comes from <paramref name="strings"/> when it is there as written.
    /// </summary>
    private static string? ReadString(ref Utf8JsonReader reader, string? field = null, HeaderValueStrings? strings = null)
    {
        var token = Next(ref reader);
        if (token is not (JsonTokenType.String or JsonTokenType.Number or JsonTokenType.True or JsonTokenType.False))
        {
            return token == JsonTokenType.Null ? null : throw new JsonException($"expected a string, found {token}");
        }

        if (token == JsonTokenType.String && reader.ValueIsEscaped)
        {
            return reader.GetString();
        }

        if (reader.HasValueSequence)
        {
            return Encoding.UTF8.GetString(reader.ValueSequence);
        }

        return strings is not null && field is not null ? strings.Get(field, reader.ValueSpan) : Encoding.UTF8.GetString(reader.ValueSpan);
    }

    private static int ReadInt(ref Utf8JsonReader reader) => Next(ref reader) switch
    {
        JsonTokenType.Number => reader.GetInt32(),
        JsonTokenType.String when int.TryParse(reader.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) => value,
        var other => throw new JsonException($"expected an integer, found {other}"),
    };

    private static JsonTokenType Next(ref Utf8JsonReader reader) =>
        reader.Read() ? reader.TokenType : throw new JsonException("the header ends early");

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType expected)
    {
        if (Next(ref reader) != expected)
        {
            throw new JsonException($"expected {expected}, found {reader.TokenType}");
        }
    }
}
