using RocketTax.RocketMQ.Broker.Cli;

return await BrokerCommandLine.RunAsync(args, CancellationToken.None);
