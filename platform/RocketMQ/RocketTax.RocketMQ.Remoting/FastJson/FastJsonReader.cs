using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RocketTax.RocketMQ.Remoting.FastJson;

/// <summary>
/// Reads the JSON RocketMQ's Java side writes with fastjson. It is standard JSON except for map keys: a map keyed
/// by a number has bare keys (<c>{0:"10.0.0.1:10911"}</c>), and a map keyed by an object has that object as its key
/// (<c>{{"brokerName":"a","queueId":0,"topic":"T"}:{...}}</c>).
/// </summary>
/// <remarks>
/// The result is a standard <see cref="JsonNode"/> tree: a bare number key becomes a property named by its digits,
/// and a map with object keys becomes an array of <c>{"key":…,"value":…}</c> entries, the form
/// <see cref="ObjectKeyMap{TKey,TValue}"/> reads. Standard JSON reads as itself.
/// </remarks>
public static class FastJsonReader
{
    /// <summary>As deep as System.Text.Json nests by default; deeper input is refused rather than overflowing the stack.</summary>
    private const int MaxDepth = 64;

    /// <summary>Reads one JSON value filling all of <paramref name="utf8"/>; throws <see cref="JsonException"/> saying where it is malformed.</summary>
    public static JsonNode? Parse(ReadOnlySpan<byte> utf8) => new Parser(Encoding.UTF8.GetString(utf8)).ParseDocument();

    private sealed class Parser(string text)
    {
        private int _position;

        public JsonNode? ParseDocument()
        {
            var value = ParseValue(0);
            SkipWhitespace();
            return _position == text.Length ? value : throw Error("unexpected text after the JSON value");
        }

        private JsonNode? ParseValue(int depth)
        {
            if (depth > MaxDepth)
            {
                throw Error($"nested deeper than {MaxDepth} levels");
            }

            SkipWhitespace();
            return Peek() switch
            {
                '{' => ParseObject(depth + 1),
                '[' => ParseArray(depth + 1),
                '"' => JsonValue.Create(ParseString()),
                't' => Literal("true", JsonValue.Create(true)),
                'f' => Literal("false", JsonValue.Create(false)),
                'n' => Literal("null", null),
                var c when c == '-' || char.IsAsciiDigit(c) => JsonNode.Parse(ParseNumberText()),
                _ => throw Error("expected a JSON value"),
            };
        }

        private JsonNode ParseObject(int depth)
        {
            _position++;
            var entries = new List<(JsonNode? Key, string? Name, JsonNode? Value)>();
            SkipWhitespace();
            if (Peek() == '}')
            {
                _position++;
                return new JsonObject();
            }

            while (true)
            {
                SkipWhitespace();
                var c = Peek();
                (JsonNode? key, string? name) = c switch
                {
                    '"' => ((JsonNode?)null, ParseString()),
                    '{' or '[' => (ParseValue(depth), (string?)null),
                    _ when c == '-' || char.IsAsciiDigit(c) => (null, ParseNumberText()),
                    _ => throw Error("expected a map key"),
                };
                Expect(':');
                entries.Add((key, name, ParseValue(depth)));
                SkipWhitespace();
                if (Next() == '}')
                {
                    break;
                }

                _position--;
                Expect(',');
            }

            return entries.TrueForAll(e => e.Key is null) ? NamedObject(entries) : KeyedEntries(entries);
        }

        private static JsonObject NamedObject(List<(JsonNode? Key, string? Name, JsonNode? Value)> entries)
        {
            var result = new JsonObject();
            foreach (var (_, name, value) in entries)
            {
                // A repeated name keeps its last value, as fastjson and System.Text.Json's JsonDocument do.
                result[name!] = value;
            }

            return result;
        }

        private static JsonArray KeyedEntries(List<(JsonNode? Key, string? Name, JsonNode? Value)> entries)
        {
            var result = new JsonArray();
            foreach (var (key, name, value) in entries)
            {
                result.Add(new JsonObject { ["key"] = key ?? JsonValue.Create(name), ["value"] = value });
            }

            return result;
        }

        private JsonArray ParseArray(int depth)
        {
            _position++;
            var result = new JsonArray();
            SkipWhitespace();
            if (Peek() == ']')
            {
                _position++;
                return result;
            }

            while (true)
            {
                result.Add(ParseValue(depth));
                SkipWhitespace();
                if (Next() == ']')
                {
                    return result;
                }

                _position--;
                Expect(',');
            }
        }

        private string ParseString()
        {
            Expect('"');
            var value = new StringBuilder();
            while (true)
            {
                var c = Next();
                switch (c)
                {
                    case '"':
                        return value.ToString();
                    case '\\':
                        value.Append(Escaped());
                        break;
                    case < ' ':
                        throw Error("a control character inside a string");
                    default:
                        value.Append(c);
                        break;
                }
            }
        }

        private char Escaped()
        {
            var c = Next();
            return c switch
            {
                '"' or '\\' or '/' => c,
                'b' => '\b',
                'f' => '\f',
                'n' => '\n',
                'r' => '\r',
                't' => '\t',
                'u' when _position + 4 <= text.Length
                    && ushort.TryParse(text.AsSpan(_position, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code)
                    => Advance((char)code, 4),
                _ => throw Error("an unknown escape in a string"),
            };
        }

        private char Advance(char value, int count)
        {
            _position += count;
            return value;
        }

        private string ParseNumberText()
        {
            var start = _position;
            while (_position < text.Length && text[_position] is '-' or '+' or '.' or 'e' or 'E' or (>= '0' and <= '9'))
            {
                _position++;
            }

            return text[start.._position];
        }

        private JsonNode? Literal(string literal, JsonNode? value)
        {
            if (string.CompareOrdinal(text, _position, literal, 0, literal.Length) != 0)
            {
                throw Error("expected a JSON value");
            }

            _position += literal.Length;
            return value;
        }

        private void Expect(char expected)
        {
            SkipWhitespace();
            if (Next() != expected)
            {
                _position--;
                throw Error($"expected '{expected}'");
            }
        }

        private char Peek() => _position < text.Length ? text[_position] : throw Error("the text ends early");

        private char Next()
        {
            var c = Peek();
            _position++;
            return c;
        }

        private void SkipWhitespace()
        {
            while (_position < text.Length && text[_position] is ' ' or '\t' or '\r' or '\n')
            {
                _position++;
            }
        }

        private JsonException Error(string what) => new($"fastjson text is malformed at character {_position}: {what}");
    }
}
