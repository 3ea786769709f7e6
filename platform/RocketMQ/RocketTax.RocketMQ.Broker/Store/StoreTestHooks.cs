namespace RocketTax.RocketMQ.Broker.Store;

/// <summary>Where tests stand before the store's disk operations, to hold or fail them as a slow or failing disk would.</summary>
/// <param name="BeforeGroupCommitSync">Called with the commit-log end each SYNC_FLUSH group commit's fsync covers, just before it.</param>
/// <param name="BeforeWrite">Called with the commit-log offset each write of the appender starts at, just before it.</param>
internal sealed record StoreTestHooks(Action<long>? BeforeGroupCommitSync = null, Action<long>? BeforeWrite = null);
