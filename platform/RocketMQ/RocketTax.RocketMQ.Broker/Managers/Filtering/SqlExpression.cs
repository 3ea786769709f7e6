using System.Globalization;

namespace RocketTax.RocketMQ.Broker.Managers.Filtering;

/// <summary>
/// A node of a parsed SQL92 filter. Values are strings, doubles, booleans or null (a missing property);
/// conditions follow SQL's three-valued logic, where null (unknown) never selects a message.
/// </summary>
internal abstract record SqlExpression
{
    /// <summary>The node's value against a message's properties.</summary>
    public abstract object? Evaluate(IReadOnlyDictionary<string, string> properties);

    /// <summary>As a number: numbers as they are, property strings parsed; null when neither.</summary>
    protected static double? AsNumber(object? value) => value switch
    {
        double d => d,
        string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        _ => null,
    };

    protected static bool? AsBool(object? value) => value switch
    {
        bool b => b,
        string s when bool.TryParse(s, out var b) => b,
        _ => null,
    };

    protected static string? AsString(object? value) => value switch
    {
        null => null,
        string s => s,
        double d => d.ToString(CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        _ => value.ToString(),
    };
}

internal sealed record SqlLiteral(object? Value) : SqlExpression
{
    public override object? Evaluate(IReadOnlyDictionary<string, string> properties) => Value;
}

internal sealed record SqlProperty(string Name) : SqlExpression
{
    public override object? Evaluate(IReadOnlyDictionary<string, string> properties) => properties.GetValueOrDefault(Name);
}

internal sealed record SqlAnd(SqlExpression Left, SqlExpression Right) : SqlExpression
{
    public override object? Evaluate(IReadOnlyDictionary<string, string> properties)
    {
        var left = AsBool(Left.Evaluate(properties));
        if (left == false)
        {
            return false;
        }

        var right = AsBool(Right.Evaluate(properties));
        return right == false ? false : left is null || right is null ? null : true;
    }
}

internal sealed record SqlOr(SqlExpression Left, SqlExpression Right) : SqlExpression
{
    public override object? Evaluate(IReadOnlyDictionary<string, string> properties)
    {
        var left = AsBool(Left.Evaluate(properties));
        if (left == true)
        {
            return true;
        }

        var right = AsBool(Right.Evaluate(properties));
        return right == true ? true : left is null || right is null ? null : false;
    }
}

internal sealed record SqlNot(SqlExpression Operand) : SqlExpression
{
    public override object? Evaluate(IReadOnlyDictionary<string, string> properties) =>
        AsBool(Operand.Evaluate(properties)) is { } value ? !value : null;
}

internal sealed record SqlIsNull(SqlExpression Operand, bool Negated) : SqlExpression
{
    public override object? Evaluate(IReadOnlyDictionary<string, string> properties) => (Operand.Evaluate(properties) is null) != Negated;
}

internal sealed record SqlComparison(string Operator, SqlExpression Left, SqlExpression Right) : SqlExpression
{
    public override object? Evaluate(IReadOnlyDictionary<string, string> properties)
    {
        var left = Left.Evaluate(properties);
        var right = Right.Evaluate(properties);
        if (left is null || right is null)
        {
            return null;
        }

        if (Operator is "=" or "<>" or "!=")
        {
            var equal = AreEqual(left, right);
            return equal is null ? null : Operator == "=" ? equal : !equal;
        }

        // Ordering compares numbers only, as RocketMQ's SQL92 does; a property string is read as a number.
        if (AsNumber(left) is not { } l || AsNumber(right) is not { } r)
        {
            return null;
        }

        return Operator switch
        {
            ">" => l > r,
            ">=" => l >= r,
            "<" => l < r,
            _ => l <= r,
        };
    }

    private static bool? AreEqual(object left, object right)
    {
        if (left is double || right is double)
        {
            return AsNumber(left) is { } l && AsNumber(right) is { } r ? l == r : false;
        }

        if (left is bool || right is bool)
        {
            return AsBool(left) is { } l && AsBool(right) is { } r ? l == r : false;
        }

        return string.Equals(AsString(left), AsString(right), StringComparison.Ordinal);
    }
}

internal sealed record SqlBetween(SqlExpression Operand, SqlExpression Low, SqlExpression High, bool Negated) : SqlExpression
{
    public override object? Evaluate(IReadOnlyDictionary<string, string> properties)
    {
        if (AsNumber(Operand.Evaluate(properties)) is not { } value
            || AsNumber(Low.Evaluate(properties)) is not { } low
            || AsNumber(High.Evaluate(properties)) is not { } high)
        {
            return null;
        }

        return (value >= low && value <= high) != Negated;
    }
}

internal sealed record SqlIn(SqlExpression Operand, IReadOnlyList<string> Values, bool Negated) : SqlExpression
{
    public override object? Evaluate(IReadOnlyDictionary<string, string> properties) =>
        AsString(Operand.Evaluate(properties)) is { } value ? Values.Contains(value, StringComparer.Ordinal) != Negated : null;
}
