using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace RocketTax.RocketMQ.Client.Tests;

/// <summary>The Aspire-style registration: connection string, settings section, health check, hosted push consumer.</summary>
public sealed class DependencyInjectionTests(ClientBrokerFixture fixture) : IClassFixture<ClientBrokerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 60_000)]
    public async Task Host_wires_a_producer_a_hosted_push_consumer_and_a_healthy_check_from_configuration()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:rocketmq"] = fixture.Endpoint,
            ["Aspire:RocketMQ:Client:Topics:0"] = "di-topic",
            ["Aspire:RocketMQ:Client:ConsumerGroup"] = "di-group",
            ["Aspire:RocketMQ:Client:Subscriptions:di-topic"] = "*",
        });
        builder.AddRocketMQProducer("rocketmq");
        builder.AddRocketMQPushConsumer<RecordingHandler>("rocketmq");
        builder.Services.AddSingleton<Received>();
        using var host = builder.Build();
        await host.StartAsync(Ct);

        var health = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(Ct);
        Assert.Equal(HealthStatus.Healthy, health.Entries["rocketmq_check"].Status);

        var receipt = await host.Services.GetRequiredService<Producer>().SendAsync(new Message("di-topic", "via DI"), Ct);
        var received = host.Services.GetRequiredService<Received>();
        var message = await received.First.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Equal(receipt.MessageId, message.MessageId);
        await host.StopAsync(Ct);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_push_consumer_configured_with_a_SQL_filter_receives_only_the_matching_messages()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:rocketmq"] = fixture.Endpoint,
            ["Aspire:RocketMQ:Client:ConsumerGroup"] = "di-sql-group",
            ["Aspire:RocketMQ:Client:Subscriptions:di-sql-topic"] = "city = 'X' AND amount > 100",
            ["Aspire:RocketMQ:Client:SubscriptionFilterTypes:di-sql-topic"] = "Sql",
        });
        builder.AddRocketMQPushConsumer<RecordingHandler>("rocketmq");
        builder.Services.AddSingleton<Received>();
        using var host = builder.Build();
        await host.StartAsync(Ct);

        await using (var producer = new Producer(Clients.Producer(fixture.Endpoint)))
        {
            foreach (var (city, amount) in new[] { ("Y", "500"), ("X", "50"), ("X", "150"), ("Y", "20"), ("X", "900") })
            {
                var properties = new Dictionary<string, string> { ["city"] = city, ["amount"] = amount };
                await producer.SendAsync(new Message("di-sql-topic", $"{city}:{amount}") { Properties = properties }, Ct);
            }
        }

        var received = host.Services.GetRequiredService<Received>();
        await Eventually.TrueAsync(() => received.All.Count >= 2, TimeSpan.FromSeconds(30), "the two matching messages", Ct);
        await host.StopAsync(Ct);

        Assert.Equal(["X:150", "X:900"], received.All.Select(m => Encoding.UTF8.GetString(m.Body.Span)).Order());
    }

    [Fact]
    public void Transport_binds_by_name_and_stays_the_options_default_when_unset()
    {
        RocketMQClientSettings Bind(string? transport)
        {
            var settings = new RocketMQClientSettings();
            new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionString"] = "127.0.0.1:8081",
                ["Transport"] = transport,
            }).Build().Bind(settings);
            return settings;
        }

        Assert.Equal(GrpcTransport.Native, Bind("Native").ToProducerOptions().Transport);
        Assert.Equal(GrpcTransport.GrpcNetClient, Bind("GrpcNetClient").ToProducerOptions().Transport);
        Assert.Equal(new ProducerOptions().Transport, Bind(null).ToProducerOptions().Transport);
    }

    [Fact]
    public void Options_naming_an_unknown_transport_are_refused_naming_the_setting()
    {
        var error = Assert.Throws<ArgumentException>(() => new ProducerOptions { Endpoints = "127.0.0.1:8081", Transport = (GrpcTransport)7 }.Validate());

        Assert.Equal("Transport", error.ParamName);
    }

    [Fact]
    public void SubscriptionFilterTypes_bind_a_SQL_expression_and_tags_stay_the_default()
    {
        var settings = new RocketMQClientSettings();
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionString"] = "127.0.0.1:8081",
            ["ConsumerGroup"] = "g",
            ["Subscriptions:reports"] = "totalTax > 1000",
            ["Subscriptions:reminders"] = "2021S1||2021S2",
            ["SubscriptionFilterTypes:reports"] = "SQL",
        }).Build().Bind(settings);

        var subscriptions = settings.ToPushConsumerOptions().Subscriptions;

        Assert.Equal(new FilterExpression("totalTax > 1000", FilterExpressionType.Sql), subscriptions["reports"]);
        Assert.Equal(new FilterExpression("2021S1||2021S2"), subscriptions["reminders"]);
    }

    [Fact]
    public void A_filter_type_for_a_topic_not_subscribed_names_that_topic()
    {
        var settings = new RocketMQClientSettings
        {
            ConnectionString = "127.0.0.1:8081",
            ConsumerGroup = "g",
            Subscriptions = { ["reports"] = "totalTax > 1000" },
            SubscriptionFilterTypes = { ["report"] = FilterExpressionType.Sql },
        };

        var error = Assert.Throws<ArgumentException>(settings.ToPushConsumerOptions);

        Assert.Contains("'report'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_connection_string_names_the_setting_to_set()
    {
        var builder = Host.CreateApplicationBuilder();
        var error = Assert.Throws<InvalidOperationException>(() => builder.AddRocketMQProducer("rocketmq"));
        Assert.Contains("ConnectionStrings:rocketmq", error.Message);
    }

    public sealed class Received
    {
        public TaskCompletionSource<MessageView> First { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ConcurrentQueue<MessageView> All { get; } = new();
    }

    public sealed class RecordingHandler(Received received) : IMessageHandler
    {
        public ValueTask<ConsumeResult> HandleAsync(MessageView message, CancellationToken cancellationToken)
        {
            received.First.TrySetResult(message);
            received.All.Enqueue(message);
            return ValueTask.FromResult(ConsumeResult.Success);
        }
    }
}
