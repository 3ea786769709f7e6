using System.Globalization;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace RocketTax.Hosting.RocketMQ.Commands;

/// <summary>The dashboard's commands on a broker: <i>Create topic</i> and <i>Show consumer lag</i>.</summary>
internal static class BrokerCommands
{
    public const string CreateTopic = "create-topic";
    public const string ShowConsumerLag = "show-consumer-lag";

    public static IResourceBuilder<T> WithBrokerCommands<T>(this IResourceBuilder<T> builder) where T : IRocketMQBrokerResource
    {
        var broker = builder.Resource;
        builder.WithCommand(CreateTopic, "Create topic", async context =>
        {
            var topic = context.Argument("topic") ?? broker.Parent.ProbeTopic;
            var queues = int.TryParse(context.Argument("queues"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0
                ? n
                : RocketMQBrokerDefaults.QueuesPerBroker;
            var address = $"127.0.0.1:{broker.HostPort(RocketMQEndpointNames.Remoting)}";
            var (ok, output) = await InProcessMQAdmin.RunAsync(
                broker.Parent,
                ["updateTopic", "-n", broker.Parent.NameServerAddresses, "-b", address, "-t", topic,
                 "-r", queues.ToString(CultureInfo.InvariantCulture), "-w", queues.ToString(CultureInfo.InvariantCulture)],
                context.CancellationToken).ConfigureAwait(false);
            return ok
                ? CommandResults.Success($"topic '{topic}' has {queues} queues on {broker.Name}", output, CommandResultFormat.Text)
                : CommandResults.Failure($"{broker.Name} did not create topic '{topic}'", output, CommandResultFormat.Text);
        }, new CommandOptions
        {
            Description = "Create or update a topic on this broker (mqadmin updateTopic -b).",
            IconName = "AddSquare",
            UpdateState = WhenRunning,
            Arguments =
            [
                new InteractionInput { Name = "topic", Label = "Topic", InputType = InputType.Text, Required = true, Value = broker.Parent.ProbeTopic },
                new InteractionInput { Name = "queues", Label = "Queues", InputType = InputType.Number, Required = true, Value = "4" },
            ],
        });

        builder.WithCommand(ShowConsumerLag, "Show consumer lag", async context =>
        {
            var group = context.Argument("group") ?? "consumer-group";
            var (ok, output) = await InProcessMQAdmin.RunAsync(
                broker.Parent, ["consumerProgress", "-n", broker.Parent.NameServerAddresses, "-g", group], context.CancellationToken).ConfigureAwait(false);
            return ok
                ? CommandResults.Success($"progress of '{group}'", output, CommandResultFormat.Text)
                : CommandResults.Failure($"no progress for '{group}'", output, CommandResultFormat.Text);
        }, new CommandOptions
        {
            Description = "Offsets, acknowledged and waiting messages of a consumer group, per queue (mqadmin consumerProgress).",
            IconName = "DataBarHorizontal",
            UpdateState = WhenRunning,
            Arguments = [new InteractionInput { Name = "group", Label = "Consumer group", InputType = InputType.Text, Required = true, Value = "consumer-group" }],
        });
        return builder;
    }

    /// <summary>A command argument's value, or null when the caller (a test, the CLI) gave none.</summary>
    internal static string? Argument(this ExecuteCommandContext context, string name) =>
        context.Arguments is { } arguments && arguments.TryGetByName(name, out var input) && !string.IsNullOrWhiteSpace(input.Value) ? input.Value : null;

    internal static ResourceCommandState WhenRunning(UpdateCommandStateContext context) =>
        context.ResourceSnapshot.State?.Text == KnownResourceStates.Running ? ResourceCommandState.Enabled : ResourceCommandState.Disabled;
}
