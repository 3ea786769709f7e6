using Google.Protobuf.WellKnownTypes;
using RocketTax.RocketMQ.Broker.Configuration;

namespace RocketTax.RocketMQ.Broker.Grpc.Handlers;

/// <summary>How long a long-polling RPC (ReceiveMessage, PullMessage) may wait for messages.</summary>
internal static class LongPolling
{
    /// <summary>Time kept back from the client's deadline to write the answer before it gives up.</summary>
    private static readonly TimeSpan DeadlineMargin = TimeSpan.FromMilliseconds(300);

    /// <summary>What the client asked for (else <c>longPollingTimeoutMills</c>), never past the call's deadline less the margin, never negative.</summary>
    public static TimeSpan Wait(Duration? requested, BrokerConfig config, DateTime deadline, TimeProvider time)
    {
        var wait = ProtoTime.ToTimeSpanOrNull(requested) ?? TimeSpan.FromMilliseconds(config.LongPollingTimeoutMills);
        if (deadline != DateTime.MaxValue)
        {
            var untilDeadline = deadline.ToUniversalTime() - time.GetUtcNow().UtcDateTime - DeadlineMargin;
            wait = untilDeadline < wait ? untilDeadline : wait;
        }

        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
    }
}
