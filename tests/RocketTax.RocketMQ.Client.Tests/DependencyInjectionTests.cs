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
    }

    public sealed class RecordingHandler(Received received) : IMessageHandler
    {
        public ValueTask<ConsumeResult> HandleAsync(MessageView message, CancellationToken cancellationToken)
        {
            received.First.TrySetResult(message);
            return ValueTask.FromResult(ConsumeResult.Success);
        }
    }
}
