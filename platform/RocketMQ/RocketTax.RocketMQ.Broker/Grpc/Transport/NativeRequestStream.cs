using Grpc.Core;

namespace RocketTax.RocketMQ.Broker.Grpc.Transport;

/// <summary>The requests of a client- or bidi-streaming call, read as they arrive; reading one gives its bytes back to the client's window.</summary>
internal sealed class NativeRequestStream<T>(NativeServerCallContext call, Marshaller<T> marshaller) : IAsyncStreamReader<T>
{
    public T Current { get; private set; } = default!;

    public async Task<bool> MoveNext(CancellationToken cancellationToken)
    {
        if (await call.ReadNextRequestAsync(marshaller, cancellationToken).ConfigureAwait(false) is not { } next)
        {
            return false;
        }

        Current = next.Message;
        return true;
    }
}
