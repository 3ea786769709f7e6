using System.Text;

namespace RocketTax.RocketMQ.Broker.Managers.Filtering;

/// <summary>Splits a SQL92 filter expression into tokens; throws <see cref="SqlFilterException"/> on a character it cannot place.</summary>
internal static class SqlLexer
{
    private static readonly HashSet<string> Keywords = new(StringComparer.OrdinalIgnoreCase)
    {
        "AND", "OR", "NOT", "BETWEEN", "IN", "IS", "NULL", "TRUE", "FALSE",
    };

    public static List<SqlToken> Tokenize(string text)
    {
        var tokens = new List<SqlToken>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }

            var start = i;
            if (char.IsAsciiLetter(c) || c is '_' or '$')
            {
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '_' or '$' or '.'))
                {
                    i++;
                }

                var word = text[start..i];
                tokens.Add(Keywords.Contains(word)
                    ? new SqlToken(SqlTokenKind.Keyword, word.ToUpperInvariant(), start)
                    : new SqlToken(SqlTokenKind.Identifier, word, start));
            }
            else if (char.IsAsciiDigit(c) || (c == '.' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1])))
            {
                while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.'))
                {
                    i++;
                }

                tokens.Add(new SqlToken(SqlTokenKind.Number, text[start..i], start));
            }
            else if (c == '\'')
            {
                tokens.Add(new SqlToken(SqlTokenKind.String, ReadString(text, ref i), start));
            }
            else if (c == '(' || c == ')' || c == ',')
            {
                i++;
                tokens.Add(new SqlToken(c == ',' ? SqlTokenKind.Comma : c == '(' ? SqlTokenKind.OpenParen : SqlTokenKind.CloseParen, c.ToString(), start));
            }
            else if (c is '=' or '<' or '>' or '!' or '-')
            {
                i++;
                if (i < text.Length && ((c is '<' or '>' or '!' && text[i] == '=') || (c == '<' && text[i] == '>')))
                {
                    i++;
                }

                var op = text[start..i];
                if (op == "!")
                {
                    throw new SqlFilterException($"'!' at position {start} must be followed by '='");
                }

                tokens.Add(new SqlToken(SqlTokenKind.Operator, op, start));
            }
            else
            {
                throw new SqlFilterException($"unexpected character '{c}' at position {start}");
            }
        }

        tokens.Add(new SqlToken(SqlTokenKind.End, string.Empty, text.Length));
        return tokens;
    }

    private static string ReadString(string text, ref int i)
    {
        var start = i;
        var value = new StringBuilder();
        i++;
        while (i < text.Length)
        {
            if (text[i] == '\'')
            {
                if (i + 1 < text.Length && text[i + 1] == '\'')
                {
                    value.Append('\'');
                    i += 2;
                    continue;
                }

                i++;
                return value.ToString();
            }

            value.Append(text[i++]);
        }

        throw new SqlFilterException($"the string starting at position {start} is not closed with a quote");
    }
}
