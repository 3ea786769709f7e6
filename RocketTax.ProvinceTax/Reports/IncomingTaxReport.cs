namespace RocketTax.ProvinceTax.Reports;

/// <summary>The message body a city sends; fields are checked before anything is stored.</summary>
public sealed record IncomingTaxReport(string? Id, string? CityCode, int? Year, int? Quarter, string? Title, decimal? TotalIncome, decimal? TotalTax);
