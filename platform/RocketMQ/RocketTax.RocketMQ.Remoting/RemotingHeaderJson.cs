using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace RocketTax.RocketMQ.Remoting;

/// <summary>
/// The JSON header of a remoting frame, read and written field by field: a send's header is parsed and its answer
/// written once per message, and the reflection-driven serializer spent several times what this does on it.
/// Reads what Java peers write (<c>extFields</c> values as strings, numbers possibly quoted) and skips unknown fields.
/// </summary>
internal static class RemotingHeaderJson
{
    /// <param name="strings">The connection's previous header values, whose strings a repeated value reuses; null decodes every value.</param>
    /// <exception cref="JsonException">The header is not a JSON object of that shape.</exception>
    public static RemotingCommand Read(ReadOnlySequence<byte> header, HeaderValueStrings? strings = null)
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

    /// <summary>Writes the header of <paramref name="command"/> with <paramref name="writer"/>, flushing it at the end.</summary>
    public static void Write(RemotingCommand command, Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteNumber("code"u8, command.Code);
        writer.WriteNumber("flag"u8, command.Flag);
        writer.WriteNumber("opaque"u8, command.Opaque);
        writer.WriteString("language"u8, command.Language);
        writer.WriteNumber("version"u8, command.Version);
        if (command.Remark is not null)
        {
            writer.WriteString("remark"u8, command.Remark);
        }

        if (command.ExtFields is not null)
        {
            writer.WriteStartObject("extFields"u8);
            foreach (var (name, value) in command.ExtFields)
            {
                writer.WriteString(name, value);
            }

            writer.WriteEndObject();
        }

        writer.WriteString("serializeTypeCurrentRPC"u8, command.SerializeTypeCurrentRpc);
        writer.WriteEndObject();
        writer.Flush();
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
