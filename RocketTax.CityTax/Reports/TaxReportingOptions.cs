using System.ComponentModel.DataAnnotations;

namespace RocketTax.CityTax.Reports;

/// <summary>Where and how reports go: the <c>TaxReporting</c> configuration section.</summary>
public sealed record TaxReportingOptions
{
    public const string Section = "TaxReporting";

    [Required, RegularExpression("^[%|a-zA-Z0-9_-]{1,127}$", ErrorMessage = "TaxReporting:Topic must be a RocketMQ topic name.")]
    public string Topic { get; init; } = "tax-data-topic";

    /// <summary>Put before the period tag (<c>2021S1</c>), for teams that share a topic.</summary>
    [RegularExpression("^[A-Za-z0-9_-]{0,32}$", ErrorMessage = "TaxReporting:TagPrefix may hold only letters, digits, '-' and '_'.")]
    public string TagPrefix { get; init; } = string.Empty;

    /// <summary>How many reports <c>GET /send_s1_tax</c> sends, as the seed's loop does.</summary>
    [Range(1, 10_000)]
    public int SeedReportCount { get; init; } = 100;

    /// <summary>How many outbox entries the relay sends per pass.</summary>
    [Range(1, 1_000)]
    public int RelayBatchSize { get; init; } = 32;

    /// <summary>The SQLite file of the outbox; relative paths are under the content root.</summary>
    [Required]
    public string OutboxPath { get; init; } = ".rockettax/citytax/outbox.db";

    /// <summary>Longest wait between relay retries while the cluster is unreachable.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(30);
}
