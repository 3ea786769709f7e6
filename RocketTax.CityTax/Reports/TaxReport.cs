namespace RocketTax.CityTax.Reports;

/// <summary>A city's tax summary for one quarter, as sent to the province (the message body).</summary>
public sealed record TaxReport(
    string Id,
    string CityCode,
    int Year,
    int Quarter,
    string Title,
    decimal TotalIncome,
    decimal TotalTax)
{
    /// <summary>The message tag of the report's period, as the seed tags 2021's first quarter: <c>2021S1</c>.</summary>
    public string PeriodTag(string prefix) => $"{prefix}{Year}S{Quarter}";
}
