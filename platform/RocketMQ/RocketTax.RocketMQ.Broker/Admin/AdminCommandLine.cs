using System.Globalization;
using RocketTax.RocketMQ.Broker.Cluster;
using RocketTax.RocketMQ.Remoting;
using RocketTax.RocketMQ.Remoting.Admin;

namespace RocketTax.RocketMQ.Broker.Admin;

/// <summary><c>mqadmin &lt;command&gt; [options]</c>, RocketMQ's option letters; errors are one line on stderr and exit code 1.</summary>
public static class AdminCommandLine
{
    public const int ExitError = 1;

    public const string Usage = """
        usage: rocketmq mqadmin <command> -n "host:port;host:port" [options]   (-n defaults to $NAMESRV_ADDR)
               [--accessKey <ak> --secretKey <sk>]   sign requests for brokers with aclEnable=true
                                                     (default to $ROCKETMQ_ACCESS_KEY and $ROCKETMQ_SECRET_KEY)

        commands:
          clusterList                                  brokers of every cluster, with load
          topicList                                    every topic the name servers know
          topicRoute -t <topic>                        the topic's route (queues per broker, addresses)
          updateTopic -c <cluster> | -b <broker addr> -t <topic> [-r 4] [-w 4] [-p 6] [-a +message.type=NORMAL]
          deleteTopic -c <cluster> -t <topic>
          updateSubGroup -c <cluster> | -b <broker addr> -g <group> [-s true] [-o false] [-m true] [-d false] [-r 16]
          consumerProgress -g <group> [-t <topic>]     per queue: broker offset, consumer offset, diff
          queryMsgById -i <message id> [-t <topic>]
          brokerStatus -b <broker addr> | -c <cluster>
        """;

    /// <summary>Where the access key comes from when <c>--accessKey</c> is not given.</summary>
    public const string AccessKeyVariable = "ROCKETMQ_ACCESS_KEY";

    /// <summary>Where the secret key comes from when <c>--secretKey</c> is not given.</summary>
    public const string SecretKeyVariable = "ROCKETMQ_SECRET_KEY";

    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(5);

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            output.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }

        try
        {
            var options = Parse(args[0], args[1..]);
            var namesrvAddr = options.NamesrvAddr ?? Environment.GetEnvironmentVariable("NAMESRV_ADDR");
            var nameServers = NameServerList.Parse(namesrvAddr);
            if (nameServers.IsEmpty)
            {
                throw new AdminException("no name server: pass -n \"host:port;host:port\" or set NAMESRV_ADDR");
            }

            await using var client = new RemotingClient { Credentials = Credentials(options) };
            var commands = new AdminCommands(new MQAdminClient(nameServers, client, CallTimeout), output, TimeProvider.System);
            await (args[0] switch
            {
                "clusterList" => commands.ClusterListAsync(cancellationToken),
                "topicList" => commands.TopicListAsync(cancellationToken),
                "topicRoute" => commands.TopicRouteAsync(options, cancellationToken),
                "updateTopic" => commands.UpdateTopicAsync(options, cancellationToken),
                "deleteTopic" => commands.DeleteTopicAsync(options, cancellationToken),
                "updateSubGroup" => commands.UpdateSubGroupAsync(options, cancellationToken),
                "consumerProgress" => commands.ConsumerProgressAsync(options, cancellationToken),
                "queryMsgById" => commands.QueryMsgByIdAsync(options, cancellationToken),
                "brokerStatus" => commands.BrokerStatusAsync(options, cancellationToken),
                _ => throw new AdminException($"unknown command '{args[0]}'; run 'mqadmin help' for the list"),
            }).ConfigureAwait(false);
            return 0;
        }
        catch (AdminException ex)
        {
            error.WriteLine($"mqadmin {args[0]}: {ex.Message}");
            return ExitError;
        }
        catch (RemotingProtocolException ex)
        {
            error.WriteLine($"mqadmin {args[0]}: the answer could not be read: {ex.Message}");
            return ExitError;
        }
    }

    private static AdminOptions Parse(string command, string[] args)
    {
        var subGroup = command == "updateSubGroup";
        var options = new AdminOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (i + 1 >= args.Length)
            {
                throw new AdminException($"option '{name}' needs a value");
            }

            var value = args[++i];
            options = name switch
            {
                "-n" or "--namesrvAddr" => options with { NamesrvAddr = value },
                "--accessKey" => options with { AccessKey = value },
                "--secretKey" => options with { SecretKey = value },
                "-c" or "--clusterName" => options with { Cluster = value },
                "-b" or "--brokerAddr" => options with { BrokerAddr = value },
                "-t" or "--topic" => options with { Topic = value },
                "-g" or "--groupName" => options with { Group = value },
                "-i" or "--msgId" => options with { MessageId = value },
                "-r" or "--retryMaxTimes" when subGroup => options with { RetryMaxTimes = Number(name, value, 0, 1000) },
                "-s" or "--consumeEnable" when subGroup => options with { ConsumeEnable = Bool(name, value) },
                "-o" or "--consumeOrderly" when subGroup => options with { ConsumeOrderly = Bool(name, value) },
                "-m" or "--consumeFromMinEnable" when subGroup => options with { ConsumeFromMin = Bool(name, value) },
                "-d" or "--consumeBroadcastEnable" when subGroup => options with { ConsumeBroadcast = Bool(name, value) },
                "-r" or "--readQueueNums" => options with { ReadQueueNums = Number(name, value, 1, 1024) },
                "-w" or "--writeQueueNums" => options with { WriteQueueNums = Number(name, value, 1, 1024) },
                "-p" or "--perm" => options with { Perm = Number(name, value, 0, 7) },
                "-a" or "--attributes" => options with { Attributes = value },
                _ => throw new AdminException($"unknown option '{name}'; run 'mqadmin help' for the options"),
            };
        }

        return options;
    }

    private static RemotingCredentials? Credentials(AdminOptions options)
    {
        try
        {
            return RemotingCredentials.FromKeys(
                options.AccessKey ?? Environment.GetEnvironmentVariable(AccessKeyVariable),
                options.SecretKey ?? Environment.GetEnvironmentVariable(SecretKeyVariable));
        }
        catch (ArgumentException)
        {
            throw new AdminException($"give both --accessKey and --secretKey (or {AccessKeyVariable} and {SecretKeyVariable}), or neither");
        }
    }

    private static bool Bool(string option, string value) => value.ToLowerInvariant() switch
    {
        "true" => true,
        "false" => false,
        _ => throw new AdminException($"option {option} is '{value}'; expected true or false"),
    };

    private static int Number(string option, string value, int min, int max) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max
            ? number
            : throw new AdminException($"option {option} is '{value}'; expected a whole number from {min} to {max}");
}
