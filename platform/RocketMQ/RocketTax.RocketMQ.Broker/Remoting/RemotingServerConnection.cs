using System.IO.Pipelines;
using System.Threading.Channels;
using RocketTax.RocketMQ.Remoting;

namespace RocketTax.RocketMQ.Broker.Remoting;

/// <summary>
/// Handles one remoting request of <paramref name="connection"/>, which it must answer exactly once with
/// <see cref="RemotingServerConnection.Answer"/>, at once or later: the request holds its slot until then.
/// </summary>
internal delegate void RemotingDispatch(RemotingCommand request, RemotingServerConnection connection, CancellationToken cancellationToken);

/// <summary>
/// One client connection of a <see cref="RemotingServer"/>. Its requests run concurrently, as RocketMQ's servers
/// hand each to an executor: a producer with many sends in flight on one connection has them appended and
/// group-committed together rather than one after the other. Answers leave in the order they are ready (the
/// opaque pairs them with their requests), written by one writer that flushes once per run of ready answers. A
/// request holds one of <c>maxInFlight</c> slots until its answer is written; with none free the reader stops
/// reading, so a client that sends faster than it reads its answers is pushed back by TCP.
/// </summary>
internal sealed class RemotingServerConnection(string peer, Stream stream, int maxInFlight)
{
    private readonly Channel<RemotingCommand> _answers =
        Channel.CreateUnbounded<RemotingCommand>(new UnboundedChannelOptions { SingleReader = true });
    // The answer writer's own: only WriteAnswersAsync writes frames.
    private readonly RemotingFrameWriter _frames = new();

    // The reader's own: only ReadRequestsAsync reads frames.
    private readonly HeaderValueStrings _headerStrings = new();

    // Never disposed: a request finishing after a broken connection still releases its slot.
    private readonly SemaphoreSlim _slots = new(maxInFlight, maxInFlight);

    // The reader holds one reference until it stops reading, each running request one more; the last one out
    // completes the answers, so the writer ends after the last answer of a connection whose reading has ended.
    private int _references = 1;

    public string Peer => peer;

    /// <summary>Serves requests until the peer closes its side (answering what is running first) or the connection breaks.</summary>
    public async Task ServeAsync(RemotingDispatch dispatch, CancellationToken cancellationToken)
    {
        using var closing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var writing = WriteAnswersAsync(closing);
        try
        {
            await ReadRequestsAsync(dispatch, closing.Token).ConfigureAwait(false);
        }
        finally
        {
            Release();
            await writing.ConfigureAwait(false);
        }
    }

    private async Task ReadRequestsAsync(RemotingDispatch dispatch, CancellationToken cancellationToken)
    {
        var reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: RemotingCommandCodec.ReadBufferSize, leaveOpen: true));
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                var buffer = result.Buffer;
                try
                {
                    while (RemotingCommandCodec.TryRead(ref buffer, out var request, _headerStrings))
                    {
                        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
                        Interlocked.Increment(ref _references);
                        dispatch(request, this, cancellationToken);
                    }

                    if (result.IsCompleted)
                    {
                        return;
                    }
                }
                finally
                {
                    reader.AdvanceTo(buffer.Start, buffer.End);
                }
            }
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Answers <paramref name="request"/> with <paramref name="answer"/>, which gets the request's opaque and serialize
    /// type; null, or a oneway request, sends nothing. Frees the request's slot once written (or at once when nothing is).
    /// </summary>
    public void Answer(RemotingCommand request, RemotingCommand? answer)
    {
        if (answer is not null && !request.IsOneway)
        {
            answer.Opaque = request.Opaque;
            answer.Flag |= RemotingCommand.ResponseFlag;
            answer.SerializeTypeCurrentRpc = request.SerializeTypeCurrentRpc;
        }
        else
        {
            answer = null;
        }

        if (answer is null || !_answers.Writer.TryWrite(answer))
        {
            _slots.Release();
        }

        Release();
    }

    private void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            _answers.Writer.TryComplete();
        }
    }

    private async Task WriteAnswersAsync(CancellationTokenSource closing)
    {
        await Task.Yield();
        var writer = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
        try
        {
            while (await _answers.Reader.WaitToReadAsync(closing.Token).ConfigureAwait(false))
            {
                var written = 0;
                while (_answers.Reader.TryRead(out var answer))
                {
                    Write(answer, writer);
                    written++;
                }

                await writer.FlushAsync(closing.Token).ConfigureAwait(false);
                if (written > 0)
                {
                    _slots.Release(written);
                }
            }
        }
        catch
        {
            // A reader waiting for a slot this writer will never free must stop too.
            await closing.CancelAsync().ConfigureAwait(false);
            throw;
        }
        finally
        {
            await writer.CompleteAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Writes an answer; one too large for a frame (a query matching too much) goes out as an error saying so.</summary>
    private void Write(RemotingCommand answer, PipeWriter writer)
    {
        try
        {
            _frames.Write(answer, writer);
        }
        catch (RemotingProtocolException ex)
        {
            var error = new RemotingCommand
            {
                Code = ResponseCode.SystemError,
                Flag = answer.Flag,
                Opaque = answer.Opaque,
                Remark = $"the answer was not sent: {ex.Message}",
                SerializeTypeCurrentRpc = answer.SerializeTypeCurrentRpc,
            };
            _frames.Write(error, writer);
        }
    }
}
