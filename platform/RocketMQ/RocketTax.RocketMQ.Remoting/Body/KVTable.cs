namespace RocketTax.RocketMQ.Remoting.Body;

/// <summary>String pairs, as RocketMQ answers <c>GET_BROKER_RUNTIME_INFO</c> (<c>KVTable</c>).</summary>
public sealed record KVTable
{
    public Dictionary<string, string> Table { get; init; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The first number of the value at <paramref name="key"/>, 0 when absent: RocketMQ reports rates as
    /// <c>"tps10s tps60s tps600s"</c>, and the first is the one to show.
    /// </summary>
    public double FirstNumber(string key) =>
        double.TryParse(Table.GetValueOrDefault(key)?.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(),
            System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var number) ? number : 0;
}
