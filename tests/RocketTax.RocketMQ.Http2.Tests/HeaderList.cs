using System.Buffers;
using System.Text;

namespace RocketTax.RocketMQ.Http2.Tests;

/// <summary>Collects what a decoder hands out, as text, and turns the RFC's hex dumps into bytes.</summary>
internal sealed class HeaderList : IHpackHeaderHandler
{
    public List<(string Name, string Value)> Fields { get; } = [];

    public void OnHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value) =>
        Fields.Add((Encoding.ASCII.GetString(name), Encoding.ASCII.GetString(value)));

    public static List<(string Name, string Value)> Decode(HpackDecoder decoder, string hex)
    {
        var list = new HeaderList();
        decoder.Decode(new ReadOnlySequence<byte>(Hex(hex)), list);
        return list.Fields;
    }

    public static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", string.Empty, StringComparison.Ordinal));
}
