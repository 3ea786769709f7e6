using System.Buffers.Binary;
using System.Net.NetworkInformation;
using System.Security.Cryptography;

namespace RocketTax.RocketMQ.Client.Session;

/// <summary>
/// Message ids in the official v1 format, 34 hex digits: version <c>01</c>, the lower 6 bytes of a MAC
/// address, the lower 2 bytes of the process id, seconds since 2021-01-01 UTC (4 bytes) and a sequence
/// number (4 bytes). Each generator starts its sequence at a random value, so two clients in one process
/// do not repeat each other's ids without sharing state.
/// </summary>
internal sealed class MessageIdGenerator
{
    private static readonly DateTimeOffset Epoch = new(2021, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly TimeProvider _time;
    private readonly byte[] _prefix = new byte[9];
    private int _sequence;

    public MessageIdGenerator(TimeProvider time)
    {
        _time = time;
        _prefix[0] = 0x01;
        MacAddress().CopyTo(_prefix.AsSpan(1, 6));
        BinaryPrimitives.WriteUInt16BigEndian(_prefix.AsSpan(7, 2), (ushort)(Environment.ProcessId & 0xFFFF));
        _sequence = RandomNumberGenerator.GetInt32(int.MaxValue);
    }

    /// <summary>A new id, e.g. <c>0156F7E71C361B21BC024CCDBE00000000</c>.</summary>
    public string Next()
    {
        Span<byte> id = stackalloc byte[17];
        _prefix.CopyTo(id);
        var seconds = (long)(_time.GetUtcNow() - Epoch).TotalSeconds;
        BinaryPrimitives.WriteUInt32BigEndian(id[9..], (uint)(seconds & 0xFFFFFFFF));
        BinaryPrimitives.WriteUInt32BigEndian(id[13..], (uint)Interlocked.Increment(ref _sequence));
        return Convert.ToHexString(id);
    }

    private static byte[] MacAddress()
    {
        try
        {
            foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
            {
                if (nic.NetworkInterfaceType == NetworkInterfaceType.Loopback)
                {
                    continue;
                }

                var bytes = nic.GetPhysicalAddress().GetAddressBytes();
                if (bytes.Length == 6 && bytes.Any(b => b != 0))
                {
                    return bytes;
                }
            }
        }
        catch (NetworkInformationException)
        {
            // Containers may hide interfaces; a random address keeps ids unique all the same.
        }

        return RandomNumberGenerator.GetBytes(6);
    }
}
