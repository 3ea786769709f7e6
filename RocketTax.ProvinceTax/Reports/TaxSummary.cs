namespace RocketTax.ProvinceTax.Reports;

/// <summary>Totals of one city for one quarter.</summary>
public sealed record TaxSummary(string CityCode, int Year, int Quarter, int Reports, decimal TotalIncome, decimal TotalTax);
