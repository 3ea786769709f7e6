namespace RocketTax.ProvinceTax.Reports;

/// <summary>Filters of <c>GET /api/tax-reports</c>; null means any.</summary>
public sealed record TaxReportQuery(string? City, int? Year, int? Quarter, int Page);
