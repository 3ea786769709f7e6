using System.Buffers.Binary;
using System.Globalization;
using System.Net;

namespace RocketTax.RocketMQ.Remoting;

/// <summary>
/// RocketMQ's offset message id (<c>offsetMsgId</c>): the store host's address and port and the
/// commit-log offset, as 32 hex digits (56 for an IPv6 host). It says where a message is, so a lookup needs no index.
/// </summary>
public static class MessageIds
{
    /// <summary>The offset id of a message stored at <paramref name="commitLogOffset"/> by <paramref name="storeHost"/> (<c>ip:port</c>); null when the host is not IPv4.</summary>
    public static string? OffsetMessageId(string storeHost, long commitLogOffset)
    {
        var colon = storeHost.LastIndexOf(':');
        if (colon <= 0 || !IPAddress.TryParse(storeHost[..colon], out var ip) || ip.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork
            || !int.TryParse(storeHost[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > IPEndPoint.MaxPort)
        {
            return null;
        }

        return OffsetMessageId(new IPEndPoint(ip, port), commitLogOffset);
    }

    /// <summary>
    /// The offset id of a message stored at <paramref name="commitLogOffset"/> by <paramref name="storeHost"/>:
    /// address, port and offset, 32 hex digits for an IPv4 host and 56 for an IPv6 one.
    /// </summary>
    public static string OffsetMessageId(IPEndPoint storeHost, long commitLogOffset)
    {
        // Written in place: the broker makes one per message it stores.
        Span<byte> bytes = stackalloc byte[16 + 4 + 8];
        storeHost.Address.TryWriteBytes(bytes, out var addressLength);
        BinaryPrimitives.WriteInt32BigEndian(bytes[addressLength..], storeHost.Port);
        BinaryPrimitives.WriteInt64BigEndian(bytes[(addressLength + 4)..], commitLogOffset);
        return Convert.ToHexString(bytes[..(addressLength + 12)]);
    }

    /// <summary>
    /// True for an id a RocketMQ client or broker could have made: 32 hex digits (an offset id of an IPv4 host or a
    /// 4.x client id), 34 (a 5.x client id, version byte first) or 56 (an offset id of an IPv6 host).
    /// </summary>
    public static bool IsWellFormed(string? id) =>
        id is { Length: 32 or 34 or 56 } && id.All(char.IsAsciiHexDigit);

    /// <summary>
    /// Reads an offset id back into the broker address (<c>ip:port</c>, the IPv6 address unbracketed, as remoting
    /// addresses are split at their last colon) and commit-log offset; false for any other id (e.g. a client's UNIQ_KEY).
    /// </summary>
    public static bool TryParseOffsetMessageId(string id, out string brokerAddr, out long commitLogOffset)
    {
        brokerAddr = string.Empty;
        commitLogOffset = 0;
        var addressLength = id.Length switch
        {
            32 => 4,
            56 => 16,
            _ => 0,
        };
        if (addressLength == 0)
        {
            return false;
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromHexString(id);
        }
        catch (FormatException)
        {
            return false;
        }

        var port = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(addressLength));
        if (port is < 1 or > 65535)
        {
            return false;
        }

        brokerAddr = $"{new IPAddress(bytes.AsSpan(0, addressLength))}:{port.ToString(CultureInfo.InvariantCulture)}";
        commitLogOffset = BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(addressLength + 4));
        return commitLogOffset >= 0;
    }
}
