namespace RocketTax.RocketMQ.Broker.Hosting;

/// <summary>The one console format every verb of the executable logs in: a line per entry, with a millisecond timestamp.</summary>
public static class ConsoleLoggingExtensions
{
    public static ILoggingBuilder AddRocketMQConsole(this ILoggingBuilder logging)
    {
        logging.ClearProviders();
        return logging.AddSimpleConsole(options =>
        {
            options.SingleLine = true;
            options.TimestampFormat = "yyyy-MM-dd HH:mm:ss.fff ";
        });
    }
}
