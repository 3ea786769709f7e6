using System.Diagnostics;
using System.Text;
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

        // Log in with the token from the log URL; the cluster page lists both brokers.
        await page.GotoAsync(new Uri(fixture.BaseAddress, $"/login?t={ConsoleFixture.Token}").ToString());
        await Expect(page.Locator("#brokers")).ToContainTextAsync("broker-a");
        await Expect(page.Locator("#brokers")).ToContainTextAsync("broker-b");
        Assert.Equal("/", new Uri(page.Url).AbsolutePath);
        await ScreenshotAsync(page, "cluster");

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
        await page.GotoAsync(new Uri(fixture.BaseAddress, $"/groups?group={group}").ToString());
        await WaitInteractiveAsync(page);
        await Eventually.TrueAsync(async () =>
        {
            await page.Locator("#refresh").ClickAsync();
            return await page.Locator("#total-lag").CountAsync() == 1 && await page.Locator("#total-lag").InnerTextAsync() == "0";
        }, "the lag of browser-group to show 0", ct);
        await Expect(page.Locator("#lag")).ToContainTextAsync(topic);
        await Expect(page.Locator("#clients")).ToContainTextAsync(consumer.ClientId);
        await ScreenshotAsync(page, "consumer-groups");

        // The topic page shows the queues of both brokers with the five messages.
        await page.GotoAsync(new Uri(fixture.BaseAddress, $"/topics?topic={topic}").ToString());
        await Expect(page.Locator("#topic-queues")).ToContainTextAsync("broker-a");
        await Expect(page.Locator("#topic-queues")).ToContainTextAsync("broker-b");
        await ScreenshotAsync(page, "topics");

        // Find a message by key through the form: its body, and its trace linked to the dashboard.
        await page.GotoAsync(new Uri(fixture.BaseAddress, "/messages").ToString());
        await WaitInteractiveAsync(page);
        await page.Locator("#message-key input").FillAsync("browser-key-3");
        await page.Locator("#message-key input").PressAsync("Tab");
        await page.Locator("#find-by-key").ClickAsync();
        await Expect(page.Locator(".message-body")).ToContainTextAsync("browser report 3");
        await Expect(page.Locator(".trace a")).ToHaveAttributeAsync("href", $"{ConsoleFixture.DashboardUrl}/traces/detail/{traceId}");
        await ScreenshotAsync(page, "messages");

        // A message the DLQ group never acks lands in %DLQ%; resent from the console, the group consumes it.
        await using var failing = await fixture.ConsumerAsync(dlqGroup, topic, ct);
        var doomed = await producer.SendAsync(new Message(topic, "{\"title\":\"dead letter\"}") { Keys = ["browser-dlq-key"] }, ct);
        await ReceiveAsync(failing, m => m.MessageId == doomed.MessageId, ack: false, ct);
        await Eventually.TrueAsync(
            async () => (await fixture.Admin.QueryMessagesAsync("browser-dlq-key", $"%DLQ%{dlqGroup}", 1, ct)).Count == 1,
            "the unacked message to reach the DLQ", ct);

        await page.GotoAsync(new Uri(fixture.BaseAddress, $"/dlq?group={dlqGroup}&key=browser-dlq-key").ToString());
        await WaitInteractiveAsync(page);
        await Expect(page.Locator("#dlq-size")).ToHaveTextAsync("1");
        await Expect(page.Locator(".message-body")).ToContainTextAsync("dead letter");
        await page.Locator(".resend").ClickAsync();
        await Expect(page.Locator("#resent")).ToContainTextAsync($"resent to {topic}");
        await ScreenshotAsync(page, "dlq");

        var consumed = await ReceiveAsync(failing, m => m.MessageId == doomed.MessageId, ack: true, ct);
        Assert.Equal("{\"title\":\"dead letter\"}", Encoding.UTF8.GetString(consumed.Body.Span));
    }

    /// <summary>Receives until <paramref name="wanted"/> arrives, acking every other message so only the wanted one can reach the DLQ.</summary>
    private static async Task<MessageView> ReceiveAsync(SimpleConsumer consumer, Func<MessageView, bool> wanted, bool ack, CancellationToken ct)
    {
        MessageView? found = null;
        while (found is null)
        {
            foreach (var message in await consumer.ReceiveAsync(16, TimeSpan.FromSeconds(1), ct))
            {
                if (found is null && wanted(message))
                {
                    found = message;
                    if (!ack)
                    {
                        continue;
                    }
                }

                await consumer.AckAsync(message, ct);
            }
        }

        return found;
    }

    // Clicks before the circuit is up would be lost: the layout marks itself once the page is interactive.
    private static Task WaitInteractiveAsync(IPage page) => page.Locator(".console[data-interactive]").WaitForAsync();

    private static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Screenshots.PathFor($"console-{name}"), FullPage = true });
}
