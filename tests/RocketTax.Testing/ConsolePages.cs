using System.Text;
using Microsoft.Playwright;
using RocketTax.RocketMQ.Client;
using static Microsoft.Playwright.Assertions;

namespace RocketTax.Testing;

/// <summary>
/// The operator console driven in Chromium, one method per thing an operator does. The console's own browser test
/// (against four processes) and the graph's (against the AppHost) share these steps; each waits until the page shows
/// what it must, within the caller's <see cref="CancellationToken"/>.
/// </summary>
public sealed class ConsolePages(IPage page, Uri baseAddress, string screenshotPrefix)
{
    /// <summary>The first page of a console process just started renders cold (JIT, the cluster's first remoting calls).</summary>
    private const float FirstLoadTimeoutMs = 90_000;

    public IPage Page => page;

    /// <summary>Opens the token URL, which logs the browser in and lands on the cluster page, and checks it lists each broker.</summary>
    public async Task LogInAsync(string loginUrl, params string[] brokers)
    {
        await page.GotoAsync(loginUrl, new PageGotoOptions { Timeout = FirstLoadTimeoutMs });
        foreach (var broker in brokers)
        {
            await Expect(page.Locator("#brokers")).ToContainTextAsync(broker);
        }

        Assert.Equal("/", new Uri(page.Url).AbsolutePath);
    }

    /// <summary>Refreshes the group's page until its total lag reads 0, and checks the lag is shown for <paramref name="topic"/>.</summary>
    public async Task WaitForNoLagAsync(string group, string topic, CancellationToken cancellationToken)
    {
        await GoToInteractiveAsync($"/groups?group={Uri.EscapeDataString(group)}");
        await Eventually.TrueAsync(async () =>
        {
            await page.Locator("#refresh").ClickAsync();
            return await page.Locator("#total-lag").CountAsync() == 1 && await page.Locator("#total-lag").InnerTextAsync() == "0";
        }, $"the lag of {group} to show 0", cancellationToken);
        await Expect(page.Locator("#lag")).ToContainTextAsync(topic);
    }

    /// <summary>Checks the topic's page shows its queues on each broker.</summary>
    public async Task ExpectTopicOnAsync(string topic, params string[] brokers)
    {
        await page.GotoAsync(Url($"/topics?topic={Uri.EscapeDataString(topic)}"));
        foreach (var broker in brokers)
        {
            await Expect(page.Locator("#topic-queues")).ToContainTextAsync(broker);
        }
    }

    /// <summary>Finds a message by key through the form, and checks its body shows <paramref name="bodyText"/>.</summary>
    public async Task FindByKeyAsync(string key, string bodyText)
    {
        await GoToInteractiveAsync("/messages");
        await page.Locator("#message-key input").FillAsync(key);
        await page.Locator("#message-key input").PressAsync("Tab");
        await page.Locator("#find-by-key").ClickAsync();
        await Expect(page.Locator(".message-body")).ToContainTextAsync(bodyText);
    }

    /// <summary>
    /// A message that <paramref name="consumer"/> (of <paramref name="group"/>, with no retries) never acks lands in the
    /// group's DLQ; found there by its key and resent from the console, the group consumes it. Saves the DLQ page as <c>dlq</c>.
    /// </summary>
    public async Task ResendDeadLetterAndConsumeAsync(
        Producer producer, SimpleConsumer consumer, string group, string topic, string key, CancellationToken cancellationToken)
    {
        const string body = "{\"title\":\"dead letter\"}";
        var doomed = await producer.SendAsync(new Message(topic, body) { Keys = [key] }, cancellationToken);
        await ReceiveAsync(consumer, doomed.MessageId, ack: false, cancellationToken);
        await ResendDeadLetterAsync(group, key, "dead letter", topic, cancellationToken);
        await ScreenshotAsync("dlq");

        var consumed = await ReceiveAsync(consumer, doomed.MessageId, ack: true, cancellationToken);
        Assert.Equal(body, Encoding.UTF8.GetString(consumed.Body.Span));
    }

    /// <summary>
    /// Opens the group's dead letters at <paramref name="key"/> until the message shows (it may still be on its way
    /// to the DLQ), resends it, and checks the console says it went back to <paramref name="topic"/>.
    /// </summary>
    public async Task ResendDeadLetterAsync(string group, string key, string bodyText, string topic, CancellationToken cancellationToken)
    {
        await Eventually.TrueAsync(async () =>
        {
            await GoToInteractiveAsync($"/dlq?group={Uri.EscapeDataString(group)}&key={Uri.EscapeDataString(key)}");
            return await page.Locator(".message-body").CountAsync() == 1;
        }, $"the dead letter {key} of {group}", cancellationToken);
        await Expect(page.Locator("#dlq-size")).ToHaveTextAsync("1");
        await Expect(page.Locator(".message-body")).ToContainTextAsync(bodyText);
        await page.Locator(".resend").ClickAsync();
        await Expect(page.Locator("#resent")).ToContainTextAsync($"resent to {topic}");
    }

    /// <summary>Saves the whole page as <c>{prefix}-{name}.png</c> where the browser tests keep their screenshots.</summary>
    public Task ScreenshotAsync(string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Screenshots.PathFor($"{screenshotPrefix}-{name}"), FullPage = true });

    public string Url(string pathAndQuery) => new Uri(baseAddress, pathAndQuery).ToString();

    // Clicks before the circuit is up would be lost: the layout marks itself once the page is interactive.
    private async Task GoToInteractiveAsync(string pathAndQuery)
    {
        await page.GotoAsync(Url(pathAndQuery));
        await page.Locator(".console[data-interactive]").WaitForAsync();
    }

    /// <summary>Receives until the wanted message arrives, acking every other one so only the wanted one can reach the DLQ.</summary>
    private static async Task<MessageView> ReceiveAsync(SimpleConsumer consumer, string messageId, bool ack, CancellationToken cancellationToken)
    {
        MessageView? found = null;
        while (found is null)
        {
            foreach (var message in await consumer.ReceiveAsync(16, TimeSpan.FromSeconds(1), cancellationToken))
            {
                if (found is null && message.MessageId == messageId)
                {
                    found = message;
                    if (!ack)
                    {
                        continue;
                    }
                }

                await consumer.AckAsync(message, cancellationToken);
            }
        }

        return found;
    }
}
