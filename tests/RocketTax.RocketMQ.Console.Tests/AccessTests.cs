using System.Net;
using System.Text.Json;

namespace RocketTax.RocketMQ.Console.Tests;

/// <summary>The browser-token login: nothing without the cookie, everything with it.</summary>
public sealed class AccessTests(ConsoleFixture fixture)
{
    [Theory]
    [InlineData("/")]
    [InlineData("/topics")]
    [InlineData("/groups?group=consumer-group")]
    [InlineData("/messages")]
    [InlineData("/dlq")]
    public async Task Pages_redirect_to_login_without_the_cookie(string path)
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = fixture.AnonymousClient();

        using var response = await client.GetAsync(path, ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/login", response.Headers.Location!.AbsolutePath);
    }

    [Fact]
    public async Task Api_answers_401_without_the_cookie()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = fixture.AnonymousClient();

        using var response = await client.GetAsync("/api/cluster", ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_wrong_token_shows_the_login_form_and_sets_no_cookie()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = fixture.AnonymousClient();

        using var response = await client.GetAsync("/login?t=not-the-token", ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie"));
        Assert.Contains("not the console's token", await response.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_token_sets_the_cookie_and_returns_to_the_page_asked_for()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = fixture.AnonymousClient();

        using var response = await client.GetAsync($"/login?t={ConsoleFixture.Token}&ReturnUrl=%2Ftopics", ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/topics", response.Headers.Location!.OriginalString);
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(".RocketTax.Console.Auth=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_return_url_to_another_site_goes_home_instead()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = fixture.AnonymousClient();

        using var response = await client.GetAsync($"/login?t={ConsoleFixture.Token}&ReturnUrl=%2F%2Fevil.test", ct);

        Assert.Equal("/", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Logged_in_the_cluster_page_and_api_show_both_brokers()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = await fixture.LoggedInClientAsync(ct);

        var page = await client.GetStringAsync("/", ct);
        using var api = JsonDocument.Parse(await client.GetStringAsync("/api/cluster", ct));

        Assert.Contains("broker-a", page, StringComparison.Ordinal);
        Assert.Contains("broker-b", page, StringComparison.Ordinal);
        Assert.Contains(fixture.Cluster.NameServer1.Address, page, StringComparison.Ordinal);
        var brokers = api.RootElement.GetProperty("brokers").EnumerateArray().ToList();
        Assert.Equal(["broker-a", "broker-b"], brokers.Select(b => b.GetProperty("brokerName").GetString()));
        Assert.All(brokers, b => Assert.Equal(JsonValueKind.Null, b.GetProperty("error").ValueKind));
        Assert.All(api.RootElement.GetProperty("nameServers").EnumerateArray(), ns => Assert.True(ns.GetProperty("online").GetBoolean()));
    }

    [Fact]
    public async Task Logged_in_the_topic_page_shows_the_queues_of_both_brokers()
    {
        var ct = TestContext.Current.CancellationToken;
        await fixture.CreateTopicAsync("console-page-topic", ct);
        using var client = await fixture.LoggedInClientAsync(ct);

        var page = await client.GetStringAsync("/topics?topic=console-page-topic", ct);

        Assert.Contains("id=\"topic-queues\"", page, StringComparison.Ordinal);
        Assert.Contains("<td>broker-a</td>", page, StringComparison.Ordinal);
        Assert.Contains("<td>broker-b</td>", page, StringComparison.Ordinal);
        Assert.Contains("8 queues on 2 brokers", page, StringComparison.Ordinal);
        Assert.Contains("NORMAL", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_input_shows_a_clear_message_and_the_console_keeps_working()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = await fixture.LoggedInClientAsync(ct);

        using var unknownTopic = await client.GetAsync("/topics?topic=no-such-topic", ct);
        var malformedId = await client.GetStringAsync("/messages?id=not-an-id", ct);
        var unknownId = await client.GetStringAsync("/messages?id=0123456789ABCDEF0123456789ABCDEF", ct);
        var home = await client.GetStringAsync("/", ct);

        Assert.Equal(HttpStatusCode.OK, unknownTopic.StatusCode);
        Assert.Contains("does not exist in the cluster", WebUtility.HtmlDecode(await unknownTopic.Content.ReadAsStringAsync(ct)), StringComparison.Ordinal);
        Assert.Contains("'not-an-id' is not a message id", WebUtility.HtmlDecode(malformedId), StringComparison.Ordinal);
        Assert.Contains("No message matches", unknownId, StringComparison.Ordinal);
        Assert.Contains("broker-a", home, StringComparison.Ordinal);
    }
}
