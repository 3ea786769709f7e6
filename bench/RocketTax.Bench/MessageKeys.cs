using System.Security.Cryptography;

namespace RocketTax.Bench;

/// <summary>
/// Message ids for the load generator's sends, 32 hex digits as a 4.x producer's <c>UNIQ_KEY</c>: a random half drawn
/// once and a counter, as producers make theirs from their address, process and a counter. <see cref="Guid.NewGuid"/>
/// costs a <c>read(2)</c> of <c>/dev/urandom</c> per call here, which the generator's CPU, shared with the broker and
/// spent by no peer's publisher, could not afford.
/// </summary>
public static class MessageKeys
{
    private static readonly ulong Random = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(sizeof(ulong)));
    private static long _counter;

    public static string Next() => $"{Random:X16}{(ulong)Interlocked.Increment(ref _counter):X16}";
}
