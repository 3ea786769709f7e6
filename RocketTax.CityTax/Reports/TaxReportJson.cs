using System.Text.Encodings.Web;
using System.Text.Json;

namespace RocketTax.CityTax.Reports;

/// <summary>How a report is written into a message body: camelCase JSON, Chinese text left readable as in the seed.</summary>
public static class TaxReportJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Serialize(TaxReport report) => JsonSerializer.Serialize(report, Options);
}
