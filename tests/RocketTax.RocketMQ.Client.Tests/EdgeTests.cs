using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using RocketTax.Testing;

namespace RocketTax.RocketMQ.Client.Tests;

/// <summary>Bad input is refused before any network call; unreachable endpoints fail fast, naming themselves.</summary>
public sealed class EdgeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("tax data")]
    [InlineData("tax/data")]
    [InlineData("")]
    public void Illegal_topic_is_refused_naming_the_topic(string topic)
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => new Message(topic, "body"));
        Assert.Equal("topic", error.ParamName);
    }

    [Fact]
    public void Topic_longer_than_127_characters_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new Message(new string('t', 128), "body"));
        Assert.Equal("topic", error.ParamName);
        Assert.Contains("127", error.Message);
    }

    [Fact]
    public void Tag_with_a_bar_is_refused_naming_the_tag()
    {
        var error = Assert.Throws<ArgumentException>(() => new Message("tax-data-topic", "body") { Tag = "a|b" });
        Assert.Equal("Tag", error.ParamName);
    }

    [Fact]
    public void Empty_body_is_refused_naming_the_body()
    {
        var error = Assert.Throws<ArgumentException>(() => new Message("tax-data-topic", ReadOnlyMemory<byte>.Empty));
        Assert.Equal("body", error.ParamName);
    }

    [Fact(Timeout = 30_000)]
    public async Task Body_over_the_max_size_is_refused_before_any_network_call()
    {
        // Nothing listens on this port: a network call would fail with a connection error instead.
        await using var producer = new Producer(new ProducerOptions { Endpoints = $"127.0.0.1:{FreePort.Next()}" });
        var error = await Assert.ThrowsAsync<ArgumentException>(() => producer.SendAsync(new Message("tax-data-topic", new byte[4 * 1024 * 1024 + 1]), Ct));
        Assert.Equal("Body", error.ParamName);
    }

    [Theory]
    [InlineData("", "Endpoints")]
    [InlineData("127.0.0.1", "Endpoints")]
    [InlineData("127.0.0.1:99999", "Endpoints")]
    public void Bad_endpoints_are_refused_naming_the_setting(string endpoints, string setting)
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => new Producer(new ProducerOptions { Endpoints = endpoints }));
        Assert.Equal(setting, error.ParamName);
    }

    [Fact]
    public void Push_consumer_without_subscriptions_is_refused_naming_the_setting()
    {
        var error = Assert.Throws<ArgumentException>(() => new PushConsumer(
            new PushConsumerOptions { Endpoints = "127.0.0.1:8081", ConsumerGroup = "g" }, (_, _) => ValueTask.FromResult(ConsumeResult.Success)));
        Assert.Equal("Subscriptions", error.ParamName);
    }

    [Fact(Timeout = 30_000)]
    public async Task Unreachable_endpoint_fails_within_the_request_timeout_naming_it()
    {
        var endpoint = $"127.0.0.1:{FreePort.Next()}";
        await using var producer = new Producer(new ProducerOptions { Endpoints = endpoint, RequestTimeout = TimeSpan.FromSeconds(2) });

        var watch = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<RocketMQConnectionException>(() => producer.SendAsync(new Message("tax-data-topic", "body"), Ct));
        Assert.Contains(endpoint, error.Message);
        Assert.Equal(endpoint, error.Endpoint);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(4), $"failing took {watch.Elapsed}");
    }

    [Fact(Timeout = 30_000)]
    public async Task Silent_endpoint_fails_within_the_request_timeout_naming_it()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var endpoint = $"127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}";
        await using var producer = new Producer(new ProducerOptions { Endpoints = endpoint, RequestTimeout = TimeSpan.FromSeconds(1) });

        var watch = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<RocketMQConnectionException>(() => producer.SendAsync(new Message("tax-data-topic", "body"), Ct));
        Assert.Contains(endpoint, error.Message);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"failing took {watch.Elapsed}");
    }

    [Fact(Timeout = 30_000)]
    public async Task Cancelling_a_send_to_a_silent_endpoint_returns_promptly()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        await using var producer = new Producer(new ProducerOptions
        {
            Endpoints = $"127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}",
            RequestTimeout = TimeSpan.FromSeconds(30),
        });
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cancel.CancelAfter(TimeSpan.FromMilliseconds(300));

        var watch = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => producer.SendAsync(new Message("tax-data-topic", "body"), cancel.Token));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"the send ended {watch.Elapsed} after it started");
    }

    [Fact]
    public void Message_ids_follow_the_official_v1_layout_and_do_not_repeat()
    {
        var generator = new Session.MessageIdGenerator(TimeProvider.System);
        var ids = Enumerable.Range(0, 1000).Select(_ => generator.Next()).ToList();

        Assert.All(ids, id => Assert.Matches("^01[0-9A-F]{32}$", id));
        Assert.Equal(1000, ids.Distinct().Count());
        var seconds = Convert.ToUInt32(ids[0][18..26], 16);
        var expected = (DateTimeOffset.UtcNow - new DateTimeOffset(2021, 1, 1, 0, 0, 0, TimeSpan.Zero)).TotalSeconds;
        Assert.InRange(seconds, expected - 60, expected + 1);
        Assert.Equal((ushort)(Environment.ProcessId & 0xFFFF), Convert.ToUInt16(ids[0][14..18], 16));
    }

    [Fact]
    public void Filter_expression_refuses_an_empty_tag_between_bars()
    {
        Assert.Throws<ArgumentException>(() => new FilterExpression("a||"));
        Assert.Equal("a||b", new FilterExpression("a||b").Expression);
    }
}
