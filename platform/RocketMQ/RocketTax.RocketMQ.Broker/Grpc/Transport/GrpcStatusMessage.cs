using System.Buffers;
using System.Text;

namespace RocketTax.RocketMQ.Broker.Grpc.Transport;

/// <summary><c>grpc-message</c>: UTF-8, with every byte outside printable ASCII, and '%', percent-encoded as gRPC requires.</summary>
internal static class GrpcStatusMessage
{
    public static string Encode(string message)
    {
        if (!NeedsEncoding(message))
        {
            return message;
        }

        var utf8 = Encoding.UTF8.GetBytes(message);
        var encoded = new StringBuilder(utf8.Length * 3);
        foreach (var b in utf8)
        {
            if (b is >= 0x20 and <= 0x7E and not (byte)'%')
            {
                encoded.Append((char)b);
            }
            else
            {
                encoded.Append('%').Append(HexDigits[b >> 4]).Append(HexDigits[b & 0xF]);
            }
        }

        return encoded.ToString();
    }

    private const string HexDigits = "0123456789ABCDEF";

    private static readonly SearchValues<char> Printable = SearchValues.Create(
        " !\"#$&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~");

    private static bool NeedsEncoding(string message) => message.AsSpan().ContainsAnyExcept(Printable);
}
