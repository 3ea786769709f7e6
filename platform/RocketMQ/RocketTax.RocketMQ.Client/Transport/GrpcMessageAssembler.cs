using System.Buffers;
using Grpc.Core;
using RocketTax.RocketMQ.Protocol.Framing;

namespace RocketTax.RocketMQ.Client.Transport;

/// <summary>
/// Cuts a response's DATA into gRPC messages: the 5-byte prefix (compressed flag, big-endian length), then the body
/// into a pooled buffer. A struct held by its stream, so a call costs no extra object.
/// </summary>
internal struct GrpcMessageAssembler(int maxMessageSize)
{
    private const int PrefixSize = GrpcMessageWriter.PrefixSize;

    private int _prefixFilled;
    private int _prefixValue;
    private byte _compressed;
    private byte[]? _body;
    private int _bodyLength;
    private int _bodyFilled;

    /// <summary>Consumes DATA bytes; whole messages join <paramref name="messages"/>. A status when a message is unacceptable.</summary>
    public Status? Append(ReadOnlySpan<byte> data, Queue<ReceivedMessage> messages)
    {
        while (!data.IsEmpty)
        {
            if (_body is null)
            {
                while (_prefixFilled < PrefixSize && !data.IsEmpty)
                {
                    if (_prefixFilled == 0)
                    {
                        _compressed = data[0];
                    }
                    else
                    {
                        _prefixValue = (_prefixValue << 8) | data[0];
                    }

                    _prefixFilled++;
                    data = data[1..];
                }

                if (_prefixFilled < PrefixSize)
                {
                    return null;
                }

                if (_compressed != 0)
                {
                    return new Status(StatusCode.Internal, "The server sent a compressed message, but the client asked for none (no grpc-accept-encoding).");
                }

                if ((uint)_prefixValue > (uint)maxMessageSize)
                {
                    return new Status(StatusCode.ResourceExhausted,
                        $"The server sent a message of {(uint)_prefixValue} bytes, over the client's limit of {maxMessageSize} bytes.");
                }

                _bodyLength = _prefixValue;
                _bodyFilled = 0;
                _body = _bodyLength == 0 ? [] : ArrayPool<byte>.Shared.Rent(_bodyLength);
            }

            var take = Math.Min(data.Length, _bodyLength - _bodyFilled);
            data[..take].CopyTo(_body.AsSpan(_bodyFilled));
            _bodyFilled += take;
            data = data[take..];
            if (_bodyFilled == _bodyLength)
            {
                messages.Enqueue(new ReceivedMessage(_body, _bodyLength));
                _body = null;
                _prefixFilled = 0;
                _prefixValue = 0;
            }
        }

        return null;
    }

    /// <summary>Gives back the buffer of a message the call ended in the middle of.</summary>
    public void Reset()
    {
        if (_body is not null)
        {
            new ReceivedMessage(_body, 0).Return();
            _body = null;
        }
    }
}
