using System.Globalization;
using System.Net.Http.Json;

namespace RocketTax.TaxServices.Tests;

/// <summary>Builds the JSON a user posts to CityTax.</summary>
public static class TaxReportPosts
{
    public static object Valid(string city, int index, string? id = null) => new
    {
        id = id ?? string.Create(CultureInfo.InvariantCulture, $"{city}-2021S2-{index:D4}"),
        cityCode = city,
        year = 2021,
        quarter = 2,
        title = $"{city}市2021年度第二季度税务汇总数据",
        totalIncome = 2_500_000.25m + index,
        totalTax = 325_000.10m,
    };

    public static Task<HttpResponseMessage> PostAsync(HttpClient client, object report) =>
        client.PostAsJsonAsync("/api/tax-reports", report, TestContext.Current.CancellationToken);
}
