using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Unicode;

namespace RocketTax.RocketMQ.Remoting;

/// <summary>
/// The JSON header in the shape Java peers write it, read in one pass over its bytes: one flat object of numbers and
/// strings with an <c>extFields</c> object of strings inside, whose only escapes are usually the <c>\u0001</c> and
/// <c>\u0002</c> separators of a send's properties. <see cref="System.Text.Json.Utf8JsonReader"/>, which validates any
/// JSON, spent more on tokenizing such a header than the rest of the frame's read cost. Whatever this scanner does not
/// recognise (nested values, escaped names, fractions, surrogate escapes, invalid UTF-8, trailing bytes) it leaves to
/// <see cref="RemotingHeaderJson"/>'s reader by returning false, so a header reads the same, or fails the same, either way.
/// </summary>
internal ref struct RemotingHeaderJsonScanner
{
    // Where a string's plain run ends: its closing quote, an escape, or a control character JSON does not allow in it.
    private static readonly SearchValues<byte> StringStops = SearchValues.Create([(byte)'"', (byte)'\\', .. Enumerable.Range(0, 0x20).Select(b => (byte)b)]);

    private readonly ReadOnlySpan<byte> _json;
    private int _at;

    private RemotingHeaderJsonScanner(ReadOnlySpan<byte> json) => _json = json;

    private enum Kind { String, EscapedString, Number, True, False, Null }

    /// <summary>Reads <paramref name="json"/> if it has the usual shape; false leaves it to the general reader.</summary>
    /// <param name="strings">The connection's previous header values, as <see cref="RemotingHeaderJson.Read"/> takes them.</param>
    public static bool TryRead(ReadOnlySpan<byte> json, HeaderValueStrings? strings, out RemotingCommand command)
    {
        var scanner = new RemotingHeaderJsonScanner(json);
        command = new RemotingCommand();
        return scanner.TryReadCommand(command, strings);
    }

    private bool TryReadCommand(RemotingCommand command, HeaderValueStrings? strings)
    {
        if (!Take((byte)'{'))
        {
            return false;
        }

        if (!Take((byte)'}'))
        {
            do
            {
                if (!TryName(out var name) || !Take((byte)':') || !TryField(command, name, strings))
                {
                    return false;
                }
            }
            while (Take((byte)','));

            if (!Take((byte)'}'))
            {
                return false;
            }
        }

        SkipWhitespace();
        return _at == _json.Length;
    }

    private bool TryField(RemotingCommand command, ReadOnlySpan<byte> name, HeaderValueStrings? strings)
    {
        if (name.SequenceEqual("extFields"u8))
        {
            return TryFields(command, strings);
        }

        if (!TryValue(out var kind, out var value))
        {
            return false;
        }

        // A known field whose value this scanner does not take (a string for a number, say) is the reader's to judge.
        if (name.SequenceEqual("code"u8) || name.SequenceEqual("flag"u8) || name.SequenceEqual("opaque"u8) || name.SequenceEqual("version"u8))
        {
            if (!TryInt(kind, value, out var number))
            {
                return false;
            }

            switch (name[0])
            {
                case (byte)'c':
                    command.Code = number;
                    break;
                case (byte)'f':
                    command.Flag = number;
                    break;
                case (byte)'o':
                    command.Opaque = number;
                    break;
                default:
                    command.Version = number;
                    break;
            }

            return true;
        }

        if (name.SequenceEqual("language"u8))
        {
            if (!TryText(kind, value, "language", strings, out var language))
            {
                return false;
            }

            command.Language = language ?? command.Language;
            return true;
        }

        if (name.SequenceEqual("remark"u8))
        {
            if (!TryText(kind, value, null, null, out var remark))
            {
                return false;
            }

            command.Remark = remark;
            return true;
        }

        // Any other field's scalar value is skipped, as the reader skips it.
        return true;
    }

    private bool TryFields(RemotingCommand command, HeaderValueStrings? strings)
    {
        SkipWhitespace();
        if (TryLiteral("null"u8))
        {
            command.ExtFields = null;
            return true;
        }

        if (!Take((byte)'{'))
        {
            return false;
        }

        var fields = new Dictionary<string, string>(HeaderKeys.CapacityFor(_json.Length - _at), StringComparer.Ordinal);
        if (!Take((byte)'}'))
        {
            do
            {
                if (!TryName(out var utf8Name) || !Take((byte)':') || !TryValue(out var kind, out var value))
                {
                    return false;
                }

                var name = HeaderKeys.Get(utf8Name);
                if (!TryText(kind, value, name, strings, out var text))
                {
                    return false;
                }

                if (text is not null)
                {
                    fields[name] = text;
                }
            }
            while (Take((byte)','));

            if (!Take((byte)'}'))
            {
                return false;
            }
        }

        command.ExtFields = fields;
        return true;
    }

    /// <summary>A field name without escapes, then the scanner stands after its closing quote.</summary>
    private bool TryName(out ReadOnlySpan<byte> name)
    {
        name = default;
        SkipWhitespace();
        if (_at >= _json.Length || _json[_at] != '"')
        {
            return false;
        }

        var length = _json[(_at + 1)..].IndexOfAny(StringStops);
        if (length < 0 || _json[_at + 1 + length] != '"')
        {
            return false;
        }

        name = _json.Slice(_at + 1, length);
        _at += length + 2;
        return true;
    }

    /// <summary>
    /// A scalar value: a string's bytes between its quotes (escapes still in), an integer's digits, or a literal.
    /// False for an object, an array, a fraction or exponent, and anything that is not JSON.
    /// </summary>
    private bool TryValue(out Kind kind, out ReadOnlySpan<byte> value)
    {
        kind = Kind.Null;
        value = default;
        SkipWhitespace();
        if (_at >= _json.Length)
        {
            return false;
        }

        var start = _at;
        switch (_json[_at])
        {
            case (byte)'"':
                return TryString(out kind, out value);
            case (byte)'t' when TryLiteral("true"u8):
                kind = Kind.True;
                break;
            case (byte)'f' when TryLiteral("false"u8):
                kind = Kind.False;
                break;
            case (byte)'n' when TryLiteral("null"u8):
                kind = Kind.Null;
                break;
            case (byte)'-' or (>= (byte)'0' and <= (byte)'9'):
                if (!TryInteger())
                {
                    return false;
                }

                kind = Kind.Number;
                break;
            default:
                return false;
        }

        value = _json[start.._at];
        return true;
    }

    private bool TryString(out Kind kind, out ReadOnlySpan<byte> value)
    {
        kind = Kind.String;
        value = default;
        var start = _at + 1;
        var at = start;
        while (true)
        {
            var run = _json[at..].IndexOfAny(StringStops);
            if (run < 0)
            {
                return false;
            }

            at += run;
            if (_json[at] == '"')
            {
                value = _json[start..at];
                _at = at + 1;
                return true;
            }

            // An escape is checked here and decoded by TryUnescape; a control character is not JSON.
            if (_json[at] != '\\' || EscapeLength(_json[at..]) is not (> 0 and var length))
            {
                return false;
            }

            kind = Kind.EscapedString;
            at += length;
        }
    }

    /// <summary>The length of the escape <paramref name="escape"/> starts with; 0 for one the scanner leaves to the reader.</summary>
    private static int EscapeLength(ReadOnlySpan<byte> escape)
    {
        if (escape.Length < 2)
        {
            return 0;
        }

        return escape[1] switch
        {
            (byte)'"' or (byte)'\\' or (byte)'/' or (byte)'b' or (byte)'f' or (byte)'n' or (byte)'r' or (byte)'t' => 2,
            // Surrogates (a pair, or an invalid lone one) are rare enough to leave to the reader.
            (byte)'u' when escape.Length >= 6 && Utf8Parser.TryParse(escape.Slice(2, 4), out ushort code, out var used, 'X') && used == 4
                && !char.IsSurrogate((char)code) => 6,
            _ => 0,
        };
    }

    /// <summary>JSON's integer grammar, <c>-?(0|[1-9][0-9]*)</c>, ending where a value may end.</summary>
    private bool TryInteger()
    {
        var at = _at;
        if (_json[at] == '-')
        {
            at++;
        }

        var digits = at < _json.Length ? _json[at..].IndexOfAnyExceptInRange((byte)'0', (byte)'9') : 0;
        digits = digits < 0 ? _json.Length - at : digits;
        if (digits == 0 || (digits > 1 && _json[at] == '0'))
        {
            return false;
        }

        at += digits;
        if (at < _json.Length && _json[at] is (byte)'.' or (byte)'e' or (byte)'E')
        {
            return false;
        }

        _at = at;
        return true;
    }

    private bool TryLiteral(ReadOnlySpan<byte> literal)
    {
        if (!_json[_at..].StartsWith(literal))
        {
            return false;
        }

        _at += literal.Length;
        return true;
    }

    /// <summary>Skips whitespace, then takes <paramref name="expected"/> if it comes next.</summary>
    private bool Take(byte expected)
    {
        SkipWhitespace();
        if (_at < _json.Length && _json[_at] == expected)
        {
            _at++;
            return true;
        }

        return false;
    }

    private void SkipWhitespace()
    {
        while (_at < _json.Length && _json[_at] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r')
        {
            _at++;
        }
    }

    /// <summary>An integer header field: a JSON integer, or a string holding one, as the reader takes them.</summary>
    private static bool TryInt(Kind kind, ReadOnlySpan<byte> value, out int result)
    {
        result = 0;
        return kind switch
        {
            Kind.Number => Utf8Parser.TryParse(value, out result, out var used) && used == value.Length,
            Kind.String => int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out result),
            _ => false,
        };
    }

    /// <summary>
    /// A value as the header's text: a string's content, or a number's or literal's own text (a Java map of strings may
    /// hold either); null for JSON null. Short unescaped values come from <paramref name="strings"/> as the reader takes them.
    /// </summary>
    private static bool TryText(Kind kind, ReadOnlySpan<byte> value, string? field, HeaderValueStrings? strings, out string? text)
    {
        switch (kind)
        {
            case Kind.Null:
                text = null;
                return true;
            case Kind.EscapedString:
                return TryUnescape(value, out text);
            default:
                text = strings is not null && field is not null ? strings.Get(field, value) : Encoding.UTF8.GetString(value);
                return true;
        }
    }

    /// <summary>A string with escapes, decoded; false if its UTF-8 is not valid, which the reader reports as an error.</summary>
    private static bool TryUnescape(ReadOnlySpan<byte> escaped, out string? text)
    {
        text = null;
        var rented = ArrayPool<char>.Shared.Rent(escaped.Length);
        try
        {
            var chars = rented.AsSpan();
            var written = 0;
            while (!escaped.IsEmpty)
            {
                var run = escaped.IndexOf((byte)'\\');
                var plain = run < 0 ? escaped : escaped[..run];
                if (Utf8.ToUtf16(plain, chars[written..], out _, out var decoded, replaceInvalidSequences: false) != OperationStatus.Done)
                {
                    return false;
                }

                written += decoded;
                if (run < 0)
                {
                    break;
                }

                // TryString has checked every escape, so only their meaning is left to find.
                var escape = escaped[run..];
                chars[written++] = escape[1] switch
                {
                    (byte)'b' => '\b',
                    (byte)'f' => '\f',
                    (byte)'n' => '\n',
                    (byte)'r' => '\r',
                    (byte)'t' => '\t',
                    (byte)'u' when Utf8Parser.TryParse(escape.Slice(2, 4), out ushort code, out _, 'X') => (char)code,
                    var other => (char)other,
                };
                escaped = escape[(escape[1] == 'u' ? 6 : 2)..];
            }

            text = new string(chars[..written]);
            return true;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(rented);
        }
    }
}
