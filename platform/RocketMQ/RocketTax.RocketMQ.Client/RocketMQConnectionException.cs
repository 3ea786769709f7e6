namespace RocketTax.RocketMQ.Client;

/// <summary>An endpoint could not be reached, or did not answer within the request timeout.</summary>
public sealed class RocketMQConnectionException(string message, string endpoint, Exception? innerException = null)
    : RocketMQException(message, statusCode: null, endpoint, innerException);
