using Grpc.Core;

namespace RocketTax.RocketMQ.Client.Transport;

/// <summary>
/// The response messages of a streaming call, in order; after the last, the call's failure if it failed. Cancelling
/// <see cref="MoveNext"/> cancels the call, as Grpc.Net.Client does.
/// </summary>
internal sealed class GrpcResponseReader<T>(GrpcStream call, Marshaller<T> marshaller) : IAsyncStreamReader<T>
{
    private static readonly Task<bool> Moved = Task.FromResult(true);
    private static readonly Task<bool> Ended = Task.FromResult(false);

    public T Current { get; private set; } = default!;

    public Task<bool> MoveNext(CancellationToken cancellationToken)
    {
        if (TryMove(out var moved))
        {
            return moved ? Moved : Ended;
        }

        return MoveNextAsync(cancellationToken);
    }

    private async Task<bool> MoveNextAsync(CancellationToken cancellationToken)
    {
        using var registration = cancellationToken.CanBeCanceled && cancellationToken != call.CancellationToken
            ? cancellationToken.UnsafeRegister(static s => ((GrpcStream)s!).Cancel(StatusCode.Cancelled, "The read was cancelled."), call)
            : default;
        while (true)
        {
            await call.WaitForMessageAsync().ConfigureAwait(false);
            if (TryMove(out var moved))
            {
                return moved;
            }
        }
    }

    /// <summary>True when the outcome is known now: a message (moved), or the end (not moved, or the failure thrown).</summary>
    private bool TryMove(out bool moved)
    {
        if (call.TryTakeMessage(out var message, out var credit))
        {
            if (credit > 0)
            {
                call.Connection?.Credit(call, credit);
            }

            try
            {
                Current = GrpcPayloadReader.Deserialize(marshaller, message);
            }
            catch (Exception ex) when (ex is not RpcException)
            {
                var status = new Status(StatusCode.Internal, $"A response message does not deserialize: {ex.Message}", ex);
                call.Finish(status, null, GrpcStream.Ending.Reset, keepMessages: false);
                throw new RpcException(status);
            }

            moved = true;
            return true;
        }

        moved = false;
        if (!call.IsFinished)
        {
            return false;
        }

        call.ThrowIfFailed();
        return true;
    }
}
