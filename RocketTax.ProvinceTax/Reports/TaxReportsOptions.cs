using System.ComponentModel.DataAnnotations;

namespace RocketTax.ProvinceTax.Reports;

/// <summary>The <c>TaxReports</c> configuration section.</summary>
public sealed record TaxReportsOptions
{
    public const string Section = "TaxReports";

    /// <summary>The SQLite file; relative paths are under the content root.</summary>
    [Required]
    public string DatabasePath { get; init; } = ".rockettax/provincetax/reports.db";

    [Range(1, 1_000)]
    public int PageSize { get; init; } = 50;
}
