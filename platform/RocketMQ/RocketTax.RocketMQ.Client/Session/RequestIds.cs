using System.Buffers.Binary;
using System.Security.Cryptography;

namespace RocketTax.RocketMQ.Client.Session;

/// <summary>
/// Request ids (<c>x-mq-request-id</c>) in UUID text: a random half drawn once per client and a counter. The id only has
/// to be unique, and <see cref="Guid.NewGuid"/> costs a read of the kernel's random source per call here (one
/// <c>read(2)</c> of <c>/dev/urandom</c> each), a system call on every request.
/// </summary>
internal sealed class RequestIds
{
    private readonly long _random = BitConverter.ToInt64(RandomNumberGenerator.GetBytes(sizeof(long)));
    private long _counter;

    /// <summary>A new id, e.g. <c>5f0a3c1e-92b4-7d60-0000-000000000001</c>.</summary>
    public string Next()
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteInt64BigEndian(bytes, _random);
        BinaryPrimitives.WriteInt64BigEndian(bytes[8..], Interlocked.Increment(ref _counter));
        return new Guid(bytes, bigEndian: true).ToString();
    }
}
