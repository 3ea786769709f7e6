using System.Globalization;

namespace RocketTax.RocketMQ.Broker.Managers.Transactions;

/// <summary>A transaction id as this broker issues it: the half message's offset in the half queue and the broker's name.</summary>
public readonly record struct TransactionId(long HalfOffset, string BrokerName)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{HalfOffset:X16}@{BrokerName}");

    public static bool TryParse(string? value, out TransactionId id)
    {
        id = default;
        var at = value?.IndexOf('@') ?? -1;
        if (at != 16 || value!.Length == 17
            || !long.TryParse(value.AsSpan(0, 16), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var offset) || offset < 0)
        {
            return false;
        }

        id = new TransactionId(offset, value[17..]);
        return true;
    }
}
