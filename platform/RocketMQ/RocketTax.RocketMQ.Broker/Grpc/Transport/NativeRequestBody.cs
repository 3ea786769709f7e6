using System.Buffers;
using System.Buffers.Binary;
using Grpc.Core;
using RocketTax.RocketMQ.Protocol.Framing;

namespace RocketTax.RocketMQ.Broker.Grpc.Transport;

/// <summary>
/// The request messages of one call as its DATA frames bring them (on the frame reader). A single-message request
/// (unary, server streaming) is gathered whole, its size checked from the gRPC prefix before the bytes arrive; a
/// streaming request is a queue of messages its handler takes one at a time.
/// </summary>
internal sealed class NativeRequestBody(int? maxMessageSize)
{
    private const int PrefixSize = GrpcMessageWriter.PrefixSize;

    // The reader appends while a streaming handler takes messages; a single-message request is read only once whole.
    private readonly Lock _gate = new();
    private byte[] _buffer = [];
    private int _start;
    private int _end;
    private bool _ended;
    private TaskCompletionSource? _arrived;

    /// <summary>True once the client ended its side of the stream (END_STREAM).</summary>
    public bool IsEnded => Volatile.Read(ref _ended);

    /// <summary>The whole message of a single-message request, without its prefix.</summary>
    public ReadOnlyMemory<byte> SingleMessage => _buffer.AsMemory(PrefixSize, _end - PrefixSize);

    /// <summary>Adds bytes of a single-message request; the status to answer with when they make it unacceptable.</summary>
    public Status? AppendSingle(ReadOnlySequence<byte> content)
    {
        var length = (int)content.Length;
        var held = _end;
        if (held + length < PrefixSize)
        {
            Grow(held + length);
        }
        else
        {
            Span<byte> prefix = stackalloc byte[PrefixSize];
            _buffer.AsSpan(0, Math.Min(held, PrefixSize)).CopyTo(prefix);
            if (held < PrefixSize)
            {
                content.Slice(0, PrefixSize - held).CopyTo(prefix[held..]);
            }

            if (CheckPrefix(prefix) is { } invalid)
            {
                return invalid;
            }

            if (held + length > PrefixSize + MessageLength(prefix))
            {
                return new Status(StatusCode.Internal, "the request carried more than one message; this method takes one");
            }

            Grow(PrefixSize + MessageLength(prefix));
        }

        content.CopyTo(_buffer.AsSpan(held));
        _end = held + length;
        return null;
    }

    /// <summary>The status to answer a single-message request with when it ended before its message was whole.</summary>
    public Status? CheckSingleComplete() => _end >= PrefixSize && _end == PrefixSize + MessageLength(_buffer)
        ? null
        : new Status(StatusCode.Internal, "the request ended before its message was complete");

    /// <summary>Adds bytes of a streaming request and wakes a handler waiting for them.</summary>
    public void AppendStreamed(ReadOnlySequence<byte> content)
    {
        TaskCompletionSource? arrived;
        lock (_gate)
        {
            var length = (int)content.Length;
            if (_buffer.Length - _end < length && _start > 0)
            {
                _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
                _end -= _start;
                _start = 0;
            }

            Grow(_end + length);
            content.CopyTo(_buffer.AsSpan(_end));
            _end += length;
            arrived = TakeWaiter();
        }

        arrived?.TrySetResult();
    }

    /// <summary>The client ended its side: a waiting handler learns there is no more.</summary>
    public void End()
    {
        lock (_gate)
        {
            _ended = true;
        }

        Wake();
    }

    /// <summary>Wakes a waiting handler to look again (the stream was reset).</summary>
    public void Wake()
    {
        TaskCompletionSource? arrived;
        lock (_gate)
        {
            arrived = TakeWaiter();
        }

        arrived?.TrySetResult();
    }

    /// <summary>
    /// The next whole message of a streaming request, copied out, and the bytes it took from the client's window; or,
    /// when none is whole yet, a task completing when more arrives. Neither once the request has ended.
    /// </summary>
    public (byte[]? Message, int Consumed, Task? Arrived) TakeMessage()
    {
        lock (_gate)
        {
            var held = _end - _start;
            if (held >= PrefixSize)
            {
                var prefix = _buffer.AsSpan(_start, PrefixSize);
                if (CheckPrefix(prefix) is { } invalid)
                {
                    throw new RpcException(invalid);
                }

                var length = MessageLength(prefix);
                if (held >= PrefixSize + length)
                {
                    var message = _buffer.AsSpan(_start + PrefixSize, length).ToArray();
                    _start += PrefixSize + length;
                    if (_start == _end)
                    {
                        _start = _end = 0;
                    }

                    return (message, PrefixSize + length, null);
                }
            }

            if (_ended)
            {
                return held == 0 ? (null, 0, null) : throw new RpcException(new Status(StatusCode.Internal, "the request stream ended inside a message"));
            }

            _arrived ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return (null, 0, _arrived.Task);
        }
    }

    /// <summary>Gives the buffer back to the pool once the call is over.</summary>
    public void Release()
    {
        lock (_gate)
        {
            if (_buffer.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(_buffer);
            }

            _buffer = [];
            _start = _end = 0;
        }
    }

    private TaskCompletionSource? TakeWaiter()
    {
        var arrived = _arrived;
        _arrived = null;
        return arrived;
    }

    private Status? CheckPrefix(ReadOnlySpan<byte> prefix)
    {
        if (prefix[0] != 0)
        {
            return new Status(StatusCode.Unimplemented, "the request message is compressed; this broker accepts uncompressed messages only (no grpc-encoding)");
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(prefix[1..]);
        var max = Math.Min(maxMessageSize ?? int.MaxValue, int.MaxValue - PrefixSize);
        return length > (uint)max
            ? new Status(StatusCode.ResourceExhausted, $"the request message of {length} bytes exceeds the broker's limit of {max} bytes")
            : null;
    }

    private static int MessageLength(ReadOnlySpan<byte> prefix) => prefix.Length < PrefixSize ? -1 : BinaryPrimitives.ReadInt32BigEndian(prefix[1..]);

    private void Grow(int size)
    {
        if (_buffer.Length >= size)
        {
            return;
        }

        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(size, 256));
        _buffer.AsSpan(0, _end).CopyTo(larger);
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }

        _buffer = larger;
    }
}
