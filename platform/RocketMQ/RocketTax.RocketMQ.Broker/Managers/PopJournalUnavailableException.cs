namespace RocketTax.RocketMQ.Broker.Managers;

/// <summary>Consumer progress cannot be recorded now (the journal's disk refuses writes, or its backlog is full); the operation was not done.</summary>
public sealed class PopJournalUnavailableException(string message, Exception? innerException) : IOException(message, innerException);
