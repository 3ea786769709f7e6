using System.Diagnostics.Metrics;

namespace RocketTax.ProvinceTax.Consumers;

/// <summary>What the province's consumer counts: reports stored, duplicates ignored, messages that are not reports.</summary>
public sealed class TaxReportMetrics
{
    public const string MeterName = "RocketTax.ProvinceTax";

    private readonly Counter<long> _stored;
    private readonly Counter<long> _duplicates;
    private readonly Counter<long> _poison;

    public TaxReportMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _stored = meter.CreateCounter<long>("rockettax.reports.stored", "{report}", "Tax reports stored for the first time");
        _duplicates = meter.CreateCounter<long>("rockettax.reports.duplicates", "{report}", "Redelivered tax reports that were already stored");
        _poison = meter.CreateCounter<long>("rockettax.reports.poison", "{message}", "Deliveries of messages that are not valid tax reports");
    }

    public void Stored(bool added) => (added ? _stored : _duplicates).Add(1);

    public void PoisonReceived(int deliveryAttempt) => _poison.Add(1, new KeyValuePair<string, object?>("messaging.rocketmq.delivery_attempt", deliveryAttempt));
}
