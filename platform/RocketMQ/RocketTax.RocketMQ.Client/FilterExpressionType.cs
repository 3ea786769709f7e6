namespace RocketTax.RocketMQ.Client;

/// <summary>How the broker reads a <see cref="FilterExpression"/>.</summary>
public enum FilterExpressionType
{
    /// <summary>Tags: <c>*</c>, one tag, or tags joined with <c>||</c>.</summary>
    Tag,

    /// <summary>A SQL92 condition over the user properties and <c>TAGS</c>, e.g. <c>a &gt; 5 AND b = 'x'</c>.</summary>
    Sql,
}
