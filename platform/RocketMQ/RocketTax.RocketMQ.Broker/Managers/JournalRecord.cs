using System.Globalization;

namespace RocketTax.RocketMQ.Broker.Managers;

/// <summary>One parsed line of the consumer-progress journal.</summary>
public readonly record struct JournalRecord(char Kind, ConsumerQueueKey Key, long Offset, int Attempt, long VisibleAt, long PopTime)
{
    public static bool TryParse(string line, out JournalRecord record)
    {
        record = default;
        var parts = line.Split(' ');
        if (parts.Length < 5 || parts[0].Length != 1
            || !int.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var queueId)
            || !long.TryParse(parts[4], NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
        {
            return false;
        }

        var key = new ConsumerQueueKey(parts[1], parts[2], queueId);
        switch (parts[0][0])
        {
            case 'A' when parts.Length == 5:
            case 'N' when parts.Length == 5:
                record = new JournalRecord(parts[0][0], key, offset, 0, 0, 0);
                return true;
            case 'P' when parts.Length == 8
                && int.TryParse(parts[5], NumberStyles.None, CultureInfo.InvariantCulture, out var attempt)
                && long.TryParse(parts[6], NumberStyles.None, CultureInfo.InvariantCulture, out var visibleAt)
                && long.TryParse(parts[7], NumberStyles.None, CultureInfo.InvariantCulture, out var popTime):
                record = new JournalRecord('P', key, offset, attempt, visibleAt, popTime);
                return true;
            default:
                return false;
        }
    }
}
