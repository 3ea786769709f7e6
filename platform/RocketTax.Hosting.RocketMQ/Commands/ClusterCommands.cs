using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using RocketTax.RocketMQ.Client;

namespace RocketTax.Hosting.RocketMQ.Commands;

/// <summary>The dashboard's command on the cluster: <i>Send test message</i>, through RocketTax's client as a service would.</summary>
internal static class ClusterCommands
{
    public const string SendTestMessage = "send-test-message";

    public static IResourceBuilder<RocketMQClusterResource> WithClusterCommands(this IResourceBuilder<RocketMQClusterResource> builder)
    {
        var cluster = builder.Resource;
        return builder.WithCommand(SendTestMessage, "Send test message", async context =>
        {
            var topic = context.Argument("topic") ?? cluster.ProbeTopic;
            var body = context.Argument("body") ?? "test message from the Aspire dashboard";
            var endpoints = await cluster.ConnectionStringExpression.GetValueAsync(context.CancellationToken).ConfigureAwait(false);
            try
            {
                await using var producer = new Producer(new ProducerOptions
                {
                    Endpoints = endpoints!,
                    Topics = [topic],
                    AccessKey = cluster.AdminCredentials?.AccessKey,
                    SecretKey = cluster.AdminCredentials?.SecretKey,
                });
                await producer.StartAsync(context.CancellationToken).ConfigureAwait(false);
                var receipt = await producer.SendAsync(new Message(topic, body) { Tag = "test" }, context.CancellationToken).ConfigureAwait(false);
                return CommandResults.Success($"sent to '{topic}' as {receipt.MessageId}");
            }
            catch (RocketMQConnectionException ex)
            {
                return CommandResults.Failure($"no broker answered: {ex.Message}");
            }
            catch (RocketMQException ex)
            {
                return CommandResults.Failure($"'{topic}' refused the message: {ex.Message}");
            }
        }, new CommandOptions
        {
            Description = "Send one message (tag 'test') to a topic of the cluster.",
            IconName = "Send",
            UpdateState = BrokerCommands.WhenRunning,
            Arguments =
            [
                new InteractionInput { Name = "topic", Label = "Topic", InputType = InputType.Text, Required = true, Value = cluster.ProbeTopic },
                new InteractionInput { Name = "body", Label = "Body", InputType = InputType.Text, Required = true, Value = "test message from the Aspire dashboard" },
            ],
        });
    }
}
