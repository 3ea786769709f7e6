using System.Globalization;

namespace RocketTax.RocketMQ.Broker.Managers.Filtering;

/// <summary>
/// Recursive-descent parser of RocketMQ's SQL92 subset:
/// <c>OR</c> &lt; <c>AND</c> &lt; <c>NOT</c> &lt; predicates (<c>= &lt;&gt; != &gt; &gt;= &lt; &lt;=</c>,
/// <c>[NOT] BETWEEN a AND b</c>, <c>[NOT] IN ('a', 'b')</c>, <c>IS [NOT] NULL</c>) over properties and literals.
/// </summary>
internal sealed class SqlParser
{
    private readonly List<SqlToken> _tokens;
    private int _next;

    private SqlParser(List<SqlToken> tokens) => _tokens = tokens;

    public static SqlExpression Parse(string text)
    {
        var parser = new SqlParser(SqlLexer.Tokenize(text));
        var expression = parser.ParseOr();
        if (parser.Peek.Kind != SqlTokenKind.End)
        {
            throw new SqlFilterException($"unexpected '{parser.Peek.Text}' at position {parser.Peek.Position}");
        }

        return expression;
    }

    private SqlToken Peek => _tokens[_next];

    private SqlExpression ParseOr()
    {
        var left = ParseAnd();
        while (TakeKeyword("OR"))
        {
            left = new SqlOr(left, ParseAnd());
        }

        return left;
    }

    private SqlExpression ParseAnd()
    {
        var left = ParseNot();
        while (TakeKeyword("AND"))
        {
            left = new SqlAnd(left, ParseNot());
        }

        return left;
    }

    private SqlExpression ParseNot() => TakeKeyword("NOT") ? new SqlNot(ParseNot()) : ParsePredicate();

    private SqlExpression ParsePredicate()
    {
        if (Peek.Kind == SqlTokenKind.OpenParen)
        {
            _next++;
            var inner = ParseOr();
            Expect(SqlTokenKind.CloseParen, "')'");
            return inner;
        }

        var left = ParseOperand();
        if (Peek.Kind == SqlTokenKind.Operator && Peek.Text != "-")
        {
            var op = _tokens[_next++].Text;
            return new SqlComparison(op, left, ParseOperand());
        }

        if (TakeKeyword("IS"))
        {
            var negated = TakeKeyword("NOT");
            ExpectKeyword("NULL");
            return new SqlIsNull(left, negated);
        }

        var not = TakeKeyword("NOT");
        if (TakeKeyword("BETWEEN"))
        {
            var low = ParseOperand();
            ExpectKeyword("AND");
            return new SqlBetween(left, low, ParseOperand(), not);
        }

        if (TakeKeyword("IN"))
        {
            Expect(SqlTokenKind.OpenParen, "'(' after IN");
            var values = new List<string>();
            do
            {
                var token = _tokens[_next++];
                if (token.Kind != SqlTokenKind.String)
                {
                    throw new SqlFilterException($"IN takes string literals such as ('a', 'b'); found '{token.Text}' at position {token.Position}");
                }

                values.Add(token.Text);
            }
            while (TakeKind(SqlTokenKind.Comma));

            Expect(SqlTokenKind.CloseParen, "')' to close IN");
            return new SqlIn(left, values, not);
        }

        if (not)
        {
            throw new SqlFilterException($"NOT at position {_tokens[_next - 1].Position} must be followed by BETWEEN or IN here");
        }

        // A bare operand is a condition only when it is a boolean: TRUE, FALSE or a property holding one.
        return left;
    }

    private SqlExpression ParseOperand()
    {
        var token = _tokens[_next++];
        switch (token.Kind)
        {
            case SqlTokenKind.Identifier:
                return new SqlProperty(token.Text);
            case SqlTokenKind.String:
                return new SqlLiteral(token.Text);
            case SqlTokenKind.Number:
                return new SqlLiteral(Number(token, negative: false));
            case SqlTokenKind.Operator when token.Text == "-" && Peek.Kind == SqlTokenKind.Number:
                return new SqlLiteral(Number(_tokens[_next++], negative: true));
            case SqlTokenKind.Keyword when token.Text is "TRUE" or "FALSE":
                return new SqlLiteral(token.Text == "TRUE");
            case SqlTokenKind.Keyword when token.Text == "NULL":
                return new SqlLiteral(null);
            case SqlTokenKind.End:
                throw new SqlFilterException("the expression ends where a property or value was expected");
            default:
                throw new SqlFilterException($"expected a property or value at position {token.Position}, found '{token.Text}'");
        }
    }

    private static double Number(SqlToken token, bool negative) =>
        double.TryParse(token.Text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
            ? negative ? -value : value
            : throw new SqlFilterException($"'{token.Text}' at position {token.Position} is not a number");

    private bool TakeKeyword(string keyword)
    {
        if (Peek.Kind == SqlTokenKind.Keyword && Peek.Text == keyword)
        {
            _next++;
            return true;
        }

        return false;
    }

    private bool TakeKind(SqlTokenKind kind)
    {
        if (Peek.Kind == kind)
        {
            _next++;
            return true;
        }

        return false;
    }

    private void ExpectKeyword(string keyword)
    {
        if (!TakeKeyword(keyword))
        {
            throw new SqlFilterException($"expected {keyword} at position {Peek.Position}, found '{Peek.Text}'");
        }
    }

    private void Expect(SqlTokenKind kind, string what)
    {
        if (!TakeKind(kind))
        {
            throw new SqlFilterException($"expected {what} at position {Peek.Position}, found '{Peek.Text}'");
        }
    }
}
