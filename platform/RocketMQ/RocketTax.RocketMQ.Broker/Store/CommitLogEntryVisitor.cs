namespace RocketTax.RocketMQ.Broker.Store;

/// <summary>Called for each valid entry while scanning the commit log; <paramref name="entry"/> is only valid during the call.</summary>
internal delegate void CommitLogEntryVisitor(ReadOnlySpan<byte> entry, long offset);
