using Grpc.Core;

namespace RocketTax.RocketMQ.Client.Transport;

/// <summary>The request side of a duplex call: one write at a time, each message as DATA under flow control.</summary>
internal sealed class GrpcRequestWriter<T>(GrpcStream call, Marshaller<T> marshaller, Task<bool> opened) : IClientStreamWriter<T>
{
    private int _writing;
    private bool _completed;

    public WriteOptions? WriteOptions { get; set; }

    public Task WriteAsync(T message) => WriteAsync(message, CancellationToken.None);

    public async Task WriteAsync(T message, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _writing, 1) != 0)
        {
            throw new InvalidOperationException("Can't write the message because the previous write is in progress.");
        }

        try
        {
            if (_completed)
            {
                throw new InvalidOperationException("Can't write the message because the request stream is complete.");
            }

            using var payload = GrpcPayload.Serialize(marshaller, message);
            if (!await opened.WaitAsync(cancellationToken).ConfigureAwait(false) || !await call.SendAsync(payload.Framed, endStream: false, cancellationToken).ConfigureAwait(false))
            {
                throw call.WriteFailure();
            }
        }
        finally
        {
            Volatile.Write(ref _writing, 0);
        }
    }

    /// <summary>Ends the request stream; the server sees END_STREAM. Nothing to do when the call already ended.</summary>
    public async Task CompleteAsync()
    {
        if (_completed)
        {
            return;
        }

        _completed = true;
        if (await opened.ConfigureAwait(false))
        {
            await call.SendAsync(ReadOnlyMemory<byte>.Empty, endStream: true, CancellationToken.None).ConfigureAwait(false);
        }
    }
}
