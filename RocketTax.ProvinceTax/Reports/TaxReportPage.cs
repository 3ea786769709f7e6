namespace RocketTax.ProvinceTax.Reports;

/// <summary>One page of a report query.</summary>
public sealed record TaxReportPage(int Page, int PageSize, long Total, IReadOnlyList<StoredTaxReport> Items);
