using RocketTax.Bench;

return await BenchCommandLine.RunAsync(args);
