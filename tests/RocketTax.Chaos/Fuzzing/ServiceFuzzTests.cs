using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using RocketTax.Chaos.Harness;
using RocketTax.CityTax.Outbox;
using RocketTax.ProvinceTax.Reports;

namespace RocketTax.Chaos.Fuzzing;

/// <summary>
/// The tax services' HTTP endpoints fed hostile requests: every one is answered with a status below 500
/// (bad input is a 4xx problem, never an unhandled error), and the service is still alive afterwards.
/// </summary>
public sealed class ServiceFuzzTests(BrokerFuzzFixture fixture) : IClassFixture<BrokerFuzzFixture>
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    [Fact(Timeout = 300_000)]
    public async Task CityTax_answers_every_hostile_request_below_500_and_stays_alive()
    {
        using var dir = new TempDirectory("rockettax-fuzz-city-");
        await using var city = Configure(new WebApplicationFactory<OutboxStore>(), new Dictionary<string, string?>
        {
            ["ConnectionStrings:rocketmq"] = fixture.Broker.GrpcEndpoint,
            ["TaxReporting:OutboxPath"] = Path.Combine(dir.Path, "outbox.db"),
        });
        await FuzzAsync("CityTax HTTP", city.CreateClient());
    }

    [Fact(Timeout = 300_000)]
    public async Task ProvinceTax_answers_every_hostile_request_below_500_and_stays_alive()
    {
        using var dir = new TempDirectory("rockettax-fuzz-province-");
        await using var province = Configure(new WebApplicationFactory<TaxReportRepository>(), new Dictionary<string, string?>
        {
            ["ConnectionStrings:rocketmq"] = fixture.Broker.GrpcEndpoint,
            ["TaxReports:DatabasePath"] = Path.Combine(dir.Path, "reports.db"),
        });
        await FuzzAsync("ProvinceTax HTTP", province.CreateClient());
    }

    private static WebApplicationFactory<T> Configure<T>(WebApplicationFactory<T> factory, Dictionary<string, string?> settings)
        where T : class =>
        factory.WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment("Testing");
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
        });

    private static async Task FuzzAsync(string surface, HttpClient client)
    {
        client.Timeout = RequestTimeout;
        await FuzzRun.SampleAsync(surface, HttpInput.Gen, async input =>
        {
            using var request = input.ToRequest();
            if (request is null)
            {
                return;
            }

            using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
            Assert.True((int)response.StatusCode < 500,
                $"{request.Method} {request.RequestUri} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
        }, input => input.ToString());

        using var alive = await client.GetAsync("/alive", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
    }
}
