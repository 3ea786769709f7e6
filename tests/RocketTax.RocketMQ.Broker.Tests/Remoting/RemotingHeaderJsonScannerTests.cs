using System.Buffers;
using System.Text;
using System.Text.Json;
using RocketTax.RocketMQ.Remoting;
using RocketTax.RocketMQ.Remoting.Messages;

namespace RocketTax.RocketMQ.Broker.Tests.Remoting;

/// <summary>
/// The JSON header scanner against <see cref="Utf8JsonReader"/>'s reading of the same bytes: whatever the scanner
/// takes must read exactly as the reader reads it, and whatever the reader refuses the scanner must leave to it.
/// </summary>
public sealed class RemotingHeaderJsonScannerTests
{
    [Fact]
    public void Takes_the_headers_Java_peers_and_our_own_writer_send()
    {
        var header = new SendMessageHeader("city-tax-producer", "tax-data-topic", 3, 0, 1_700_000_000_000, 0,
            MessagePropertiesCodec.Encode([new("UNIQ_KEY", "7F000001ABCD"), new("TAGS", "2021S1"), new("KEYS", "城市 税务")]), 0);
        var ours = RemotingCommand.Request(RequestCode.SendMessageV2, header.ToShortFields(), null);
        var java = """{"code":310,"extFields":{"a":"city-tax-producer","b":"tax-data-topic","c":"TBW102","d":"3","e":"0","f":"0","g":"1700000000000","h":"0","i":"UNIQ_KEY\u00017F000001ABCD\u0002TAGS\u00012021S1\u0002","j":"0","k":"false","m":"false"},"flag":0,"language":"JAVA","opaque":17,"serializeTypeCurrentRPC":"JSON","version":453}""";

        foreach (var bytes in new[] { HeaderOf(ours), Encoding.UTF8.GetBytes(java) })
        {
            Assert.True(RemotingHeaderJsonScanner.TryRead(bytes, null, out var scanned));
            AssertSame(RemotingHeaderJson.ReadAnyShape(new ReadOnlySequence<byte>(bytes)), scanned);
        }
    }

    [Theory]
    [InlineData("""{}""")]
    [InlineData(""" { "code" : 105 , "extFields" : { "topic" : "t" } , "opaque" : -3 } """)]
    [InlineData("""{"code":"310","flag":" 1 ","extFields":{"d":4,"k":false,"n":true,"x":null},"remark":null}""")]
    [InlineData("""{"language":null,"remark":12,"extFields":null}""")]
    [InlineData("""{"code":1,"code":2,"extFields":{"a":"1"},"extFields":{"a":"2","a":"3"}}""")]
    [InlineData("""{"remark":"tab\tin it"}""")]
    [InlineData("""{"remark":"\ud83d\udcb0 pair"}""")]
    [InlineData("""{"remark":"lone \ud83d"}""")]
    [InlineData("""{"remark":"\u0000\u001f\"\\\/\b\f\n\r\t"}""")]
    [InlineData("""{"remark":"bad \x"}""")]
    [InlineData("""{"remark":"short \u12"}""")]
    [InlineData("""{"code":1.5}""")]
    [InlineData("""{"code":1e3}""")]
    [InlineData("""{"code":01}""")]
    [InlineData("""{"code":-}""")]
    [InlineData("""{"code":99999999999}""")]
    [InlineData("""{"code":true}""")]
    [InlineData("""{"code":"x"}""")]
    [InlineData("""{"code":"\u0031"}""")]
    [InlineData("""{"unknown":{"nested":[1,{"x":null}]},"code":3}""")]
    [InlineData("""{"unknown":[],"code":3}""")]
    [InlineData("""{"unknown":1.25e-3,"code":3}""")]
    [InlineData("""{"extFields":{"a":{"b":1}}}""")]
    [InlineData("""{"extFields":{"a":[1]}}""")]
    [InlineData("""{"extFields":{"\u0061":"escaped name"}}""")]
    [InlineData("""{"extFields":{"a":"1",}}""")]
    [InlineData("""{"code":1,}""")]
    [InlineData("""{"code":1} trailing""")]
    [InlineData("""{"code":1}   """)]
    [InlineData("""{"code":tru}""")]
    [InlineData("""{"code" 1}""")]
    [InlineData("""{"code":1""")]
    [InlineData("""[1]""")]
    [InlineData("""{"code":1}/*comment*/""")]
    [InlineData("")]
    public void Reads_every_header_as_the_general_reader_does_or_leaves_it_to_it(string json) =>
        AssertAgrees(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void Leaves_invalid_UTF_8_in_an_escaped_string_to_the_reader()
    {
        var bytes = Encoding.UTF8.GetBytes("""{"remark":"\u0001 then X"}""");
        bytes[^3] = 0xFF;

        AssertAgrees(bytes);
        Assert.False(RemotingHeaderJsonScanner.TryRead(bytes, null, out _));
    }

    [Fact]
    public void Agrees_with_the_reader_on_thousands_of_generated_headers()
    {
        var random = new Random(20261127);
        var taken = 0;
        for (var i = 0; i < 5_000; i++)
        {
            var bytes = Encoding.UTF8.GetBytes(GeneratedHeader(random));
            taken += AssertAgrees(bytes) ? 1 : 0;
        }

        // The generator mostly writes headers the scanner is for; a scanner that took none would pass vacuously.
        Assert.InRange(taken, 1_000, 5_000);
    }

    /// <summary>True when the scanner took the header (and read it as the reader does).</summary>
    private static bool AssertAgrees(byte[] bytes)
    {
        RemotingCommand? expected = null;
        Exception? refused = null;
        try
        {
            expected = RemotingHeaderJson.ReadAnyShape(new ReadOnlySequence<byte>(bytes));
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            refused = ex;
        }

        var strings = new HeaderValueStrings();
        if (!RemotingHeaderJsonScanner.TryRead(bytes, strings, out var scanned))
        {
            return false;
        }

        Assert.True(refused is null, $"the scanner took a header the reader refuses ({refused?.Message}): {Encoding.UTF8.GetString(bytes)}");
        AssertSame(expected!, scanned);
        return true;
    }

    private static void AssertSame(RemotingCommand expected, RemotingCommand actual)
    {
        Assert.Equal(
            (expected.Code, expected.Flag, expected.Opaque, expected.Version, expected.Language, expected.Remark),
            (actual.Code, actual.Flag, actual.Opaque, actual.Version, actual.Language, actual.Remark));
        Assert.Equal(expected.ExtFields, actual.ExtFields);
    }

    private static byte[] HeaderOf(RemotingCommand command)
    {
        var output = new ArrayBufferWriter<byte>();
        RemotingHeaderJson.Write(command, output);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>A header of random fields in random order, with the odd space, escape, number, literal or nested value.</summary>
    private static string GeneratedHeader(Random random)
    {
        string Space() => random.Next(8) == 0 ? new[] { " ", "\n", "\t ", "\r\n" }[random.Next(4)] : string.Empty;
        string Text()
        {
            var pieces = new[] { "group", "tax-data-topic", "城市", "2021S1", "\\u0001", "\\u0002", "\\\"", "\\\\", "\\n", "\\/", "\\u00e9", "a b", "\\ud83d\\udcb0" };
            var text = new StringBuilder();
            for (var n = random.Next(4); n > 0; n--)
            {
                text.Append(pieces[random.Next(pieces.Length)]);
            }

            return $"\"{text}\"";
        }

        string Scalar() => random.Next(10) switch
        {
            0 => random.Next(-1000, 1000).ToString(System.Globalization.CultureInfo.InvariantCulture),
            1 => new[] { "true", "false", "null" }[random.Next(3)],
            2 => new[] { "1.5", "{\"x\":1}", "[]", "01", "\"\\q\"" }[random.Next(5)],
            _ => Text(),
        };

        var fields = new List<string>();
        foreach (var name in new[] { "code", "flag", "opaque", "version" })
        {
            if (random.Next(4) != 0)
            {
                fields.Add($"\"{name}\"{Space()}:{Space()}{(random.Next(6) == 0 ? Scalar() : random.Next(-5, 400).ToString(System.Globalization.CultureInfo.InvariantCulture))}");
            }
        }

        foreach (var name in new[] { "language", "remark", "serializeTypeCurrentRPC", "unknown" })
        {
            if (random.Next(2) == 0)
            {
                fields.Add($"\"{name}\":{Space()}{Scalar()}");
            }
        }

        if (random.Next(5) != 0)
        {
            var ext = Enumerable.Range(0, random.Next(14)).Select(i => $"{Space()}\"{(char)('a' + random.Next(14))}\":{Scalar()}");
            fields.Add($"\"extFields\":{{{string.Join(",", ext)}}}");
        }

        return $"{Space()}{{{string.Join($",{Space()}", fields.OrderBy(_ => random.Next()))}}}{Space()}";
    }
}
