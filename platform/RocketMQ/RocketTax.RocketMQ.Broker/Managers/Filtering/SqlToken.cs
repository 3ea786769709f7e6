namespace RocketTax.RocketMQ.Broker.Managers.Filtering;

/// <summary>One lexical token of a SQL92 filter expression.</summary>
internal readonly record struct SqlToken(SqlTokenKind Kind, string Text, int Position);

internal enum SqlTokenKind
{
    Identifier,
    Keyword,
    String,
    Number,
    Operator,
    OpenParen,
    CloseParen,
    Comma,
    End,
}
