namespace RocketTax.CityTax.Reports;

/// <summary>What a user posts to <c>/api/tax-reports</c>; every field is checked before anything is stored.</summary>
public sealed record TaxReportRequest(
    string? Id,
    string? CityCode,
    int? Year,
    int? Quarter,
    string? Title,
    decimal? TotalIncome,
    decimal? TotalTax);
