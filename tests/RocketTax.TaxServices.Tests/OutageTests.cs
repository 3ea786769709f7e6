using System.Net;
using System.Net.Http.Json;
using RocketTax.CityTax.Outbox;

namespace RocketTax.TaxServices.Tests;

/// <summary>The seed's promise: the city keeps reporting while the province is down, and loses nothing while the cluster is.</summary>
public sealed class ProvinceOutageTests(TaxServicesFixture services) : IClassFixture<TaxServicesFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Reports_sent_while_ProvinceTax_is_down_are_all_stored_once_it_is_back()
    {
        _ = services.Province.Services;
        await services.StopProvinceAsync();
        using var city = services.City.CreateClient();

        for (var i = 0; i < 200; i++)
        {
            var response = await TaxReportPosts.PostAsync(city, TaxReportPosts.Valid("AWAY", i));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        var page = await services.WaitForReportsAsync("AWAY", p => p.Total >= 200, TimeSpan.FromSeconds(90));
        Assert.Equal(200, page.Total);
        Assert.Equal(200, page.Items.Select(r => r.Id).Distinct().Count());
    }
}

/// <summary>With the broker down, CityTax still answers 202 and its outbox relays everything once the broker is back.</summary>
public sealed class BrokerOutageTests(TaxServicesFixture services) : IClassFixture<TaxServicesFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Reports_accepted_while_the_broker_is_down_reach_ProvinceTax_after_it_restarts()
    {
        _ = services.Province.Services;
        using var city = services.City.CreateClient();
        using var province = services.Province.CreateClient();
        await services.Broker.StopAsync(Ct);

        var posts = Enumerable.Range(0, 50).Select(i => TaxReportPosts.PostAsync(city, TaxReportPosts.Valid("OUTAGE", i)));
        var responses = await Task.WhenAll(posts);
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
        var pending = await city.GetFromJsonAsync<List<OutboxEntry>>("/api/outbox", Ct);
        Assert.Equal(50, pending!.Count);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await city.GetAsync("/health", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await city.GetAsync("/alive", Ct)).StatusCode);

        await services.Broker.StartAsync(Ct);

        var page = await services.WaitForReportsAsync("OUTAGE", p => p.Total >= 50, TimeSpan.FromSeconds(90));
        Assert.Equal(50, page.Total);
        Assert.Empty((await city.GetFromJsonAsync<List<OutboxEntry>>("/api/outbox", Ct))!);
        Assert.Equal(HttpStatusCode.OK, (await province.GetAsync("/health", Ct)).StatusCode);
    }
}
