namespace RocketTax.ProvinceTax.Reports;

/// <summary>A report as the province keeps it, with the message that brought it.</summary>
public sealed record StoredTaxReport(
    string Id,
    string CityCode,
    int Year,
    int Quarter,
    string Title,
    decimal TotalIncome,
    decimal TotalTax,
    string MessageId,
    DateTimeOffset ReceivedAt);
