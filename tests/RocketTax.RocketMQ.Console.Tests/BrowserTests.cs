using System.Diagnostics;
using Microsoft.Playwright;
using RocketTax.RocketMQ.Client;
using RocketTax.Testing;
using static Microsoft.Playwright.Assertions;

namespace RocketTax.RocketMQ.Console.Tests;

/// <summary>
/// The console in Chromium, as an operator uses it: log in with the token, see both brokers, watch a group's lag
/// fall to 0, find a message by key, resend a dead letter and see it consumed. Each page is saved as a screenshot.
/// </summary>
public sealed class BrowserTests(ConsoleFixture fixture)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task An_operator_sees_the_cluster_watches_lag_finds_a_message_and_resends_a_dead_letter()
    {
        Chromium.Require();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(Deadline);
        var ct = timeout.Token;
        const string topic = "browser-topic";
        const string group = "browser-group";
        const string dlqGroup = "browser-dlq-group";
        await fixture.CreateTopicAsync(topic, ct);
        await fixture.NoRetriesAsync(dlqGroup, ct);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1440, Height = 900 } });
        page.SetDefaultTimeout(30_000);
        var console = new ConsolePages(page, fixture.BaseAddress, "console");

        // Log in with the token from the log URL; the cluster page lists both brokers.
        await console.LogInAsync(console.Url($"/login?t={ConsoleFixture.Token}"), "broker-a", "broker-b");
        await console.ScreenshotAsync("cluster");

        // Produce keyed messages inside a trace, and consume them all.
        await using var producer = await fixture.ProducerAsync(topic, ct);
        await using var consumer = await fixture.ConsumerAsync(group, topic, ct);
        string traceId;
        using (var activity = new Activity("browser-test produce").Start())
        {
            traceId = activity.TraceId.ToHexString();
            for (var i = 0; i < 5; i++)
            {
                await producer.SendAsync(new Message(topic, $"{{\"title\":\"browser report {i}\"}}") { Keys = [$"browser-key-{i}"], Tag = "2021S1" }, ct);
            }
        }

        var received = 0;
        while (received < 5)
        {
            foreach (var message in await consumer.ReceiveAsync(16, TimeSpan.FromSeconds(30), ct))
            {
                await consumer.AckAsync(message, ct);
                received++;
            }
        }

        // The group's lag falls to 0, and its client is online.
        await console.WaitForNoLagAsync(group, topic, ct);
        await Expect(page.Locator("#clients")).ToContainTextAsync(consumer.ClientId);
        await console.ScreenshotAsync("consumer-groups");

        // The topic page shows the queues of both brokers with the five messages.
        await console.ExpectTopicOnAsync(topic, "broker-a", "broker-b");
        await console.ScreenshotAsync("topics");

        // Find a message by key through the form: its body, and its trace linked to the dashboard.
        await console.FindByKeyAsync("browser-key-3", "browser report 3");
        await Expect(page.Locator(".trace a")).ToHaveAttributeAsync("href", $"{ConsoleFixture.DashboardUrl}/traces/detail/{traceId}");
        await console.ScreenshotAsync("messages");

        // A message the DLQ group never acks lands in %DLQ%; resent from the console, the group consumes it.
        await using var failing = await fixture.ConsumerAsync(dlqGroup, topic, ct);
        await console.ResendDeadLetterAndConsumeAsync(producer, failing, dlqGroup, topic, "browser-dlq-key", ct);
    }
}
