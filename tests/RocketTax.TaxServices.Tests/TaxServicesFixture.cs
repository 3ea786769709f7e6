using System.Net.Http.Json;
using RocketTax.CityTax.Outbox;
using RocketTax.ProvinceTax.Reports;
using RocketTax.Testing;

namespace RocketTax.TaxServices.Tests;

/// <summary>
/// A real broker process, CityTax and ProvinceTax in process, each on its own temp files. Retries are short
/// (delay levels of 1 s, two retries) so poison messages reach the DLQ within seconds.
/// </summary>
public sealed class TaxServicesFixture : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rockettax-services-").FullName;
    private ServiceHost<OutboxStore>? _city;
    private ServiceHost<TaxReportRepository>? _province;

    public BrokerProcess Broker { get; private set; } = null!;

    public ServiceHost<OutboxStore> City => _city ??= new ServiceHost<OutboxStore>(new Dictionary<string, string?>
    {
        ["ConnectionStrings:rocketmq"] = Broker.GrpcEndpoint,
        ["TaxReporting:OutboxPath"] = Path.Combine(_dir, "outbox.db"),
        ["TaxReporting:MaxRetryDelay"] = "00:00:01",
    });

    public ServiceHost<TaxReportRepository> Province => _province ??= NewProvince();

    public async ValueTask InitializeAsync()
    {
        var options = new BrokerOptions
        {
            ExtraProperties = new Dictionary<string, string>
            {
                ["messageDelayLevel"] = "1s 1s 1s 1s 1s",
                ["defaultRetryMaxTimes"] = "2",
            },
        };
        Broker = await BrokerProcess.StartNewAsync(options, TestContext.Current.CancellationToken);
    }

    /// <summary>Stops ProvinceTax (its consumer leaves) so a test can send while it is away.</summary>
    public async Task StopProvinceAsync()
    {
        if (_province is { } province)
        {
            _province = null;
            await province.DisposeAsync();
        }
    }

    /// <summary>Polls ProvinceTax until <paramref name="condition"/> holds for the reports of <paramref name="city"/>, or fails after <paramref name="within"/>.</summary>
    public async Task<TaxReportPage> WaitForReportsAsync(string city, Func<TaxReportPage, bool> condition, TimeSpan within)
    {
        using var client = Province.CreateClient();
        var deadline = DateTime.UtcNow + within;
        TaxReportPage? page = null;
        while (DateTime.UtcNow < deadline)
        {
            page = await client.GetFromJsonAsync<TaxReportPage>($"/api/tax-reports?city={city}", TestContext.Current.CancellationToken);
            if (page is not null && condition(page))
            {
                return page;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), TestContext.Current.CancellationToken);
        }

        Assert.Fail($"ProvinceTax did not reach the expected state for city {city} within {within}: it has {page?.Total} reports.{Broker.LogTail(20)}");
        return page!;
    }

    public async ValueTask DisposeAsync()
    {
        await StopProvinceAsync();
        if (_city is not null)
        {
            await _city.DisposeAsync();
        }

        await Broker.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private ServiceHost<TaxReportRepository> NewProvince() => new(new Dictionary<string, string?>
    {
        ["ConnectionStrings:rocketmq"] = Broker.GrpcEndpoint,
        ["TaxReports:DatabasePath"] = Path.Combine(_dir, "reports.db"),
        ["TaxReports:PageSize"] = "1000",
    });
}
