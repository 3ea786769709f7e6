using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using RocketTax.RocketMQ.Remoting.FastJson;

namespace RocketTax.RocketMQ.Remoting;

/// <summary>
/// One frame of RocketMQ's remoting protocol: the JSON header (<c>code, flag, opaque, language, version,
/// remark, extFields</c>) and an opaque body. Requests and responses share the shape; flag bit 0 marks a response.
/// </summary>
public sealed class RemotingCommand
{
    /// <summary>Flag bit 0: this command answers the request with the same opaque.</summary>
    public const int ResponseFlag = 1;

    /// <summary>Flag bit 1: the sender expects no answer.</summary>
    public const int OnewayFlag = 2;

    /// <summary>Sent in <c>version</c>; Java peers only log it, so any stable number does.</summary>
    public const int ProtocolVersion = 475;

    [JsonPropertyName("code")]
    public int Code { get; set; }

    [JsonPropertyName("flag")]
    public int Flag { get; set; }

    [JsonPropertyName("opaque")]
    public int Opaque { get; set; }

    [JsonPropertyName("language")]
    public string Language { get; set; } = "DOTNET";

    [JsonPropertyName("version")]
    public int Version { get; set; } = ProtocolVersion;

    [JsonPropertyName("remark")]
    public string? Remark { get; set; }

    [JsonPropertyName("extFields")]
    public Dictionary<string, string>? ExtFields { get; set; }

    /// <summary>
    /// How the header is serialized: <c>JSON</c>, or <c>ROCKETMQ</c> (binary, see <see cref="RemotingHeaderBinary"/>).
    /// An answer is written in its request's.
    /// </summary>
    [JsonPropertyName("serializeTypeCurrentRPC")]
    public string SerializeTypeCurrentRpc { get; set; } = "JSON";

    [JsonIgnore]
    public byte[]? Body { get; set; }

    [JsonIgnore]
    public bool IsResponse => (Flag & ResponseFlag) != 0;

    [JsonIgnore]
    public bool IsOneway => (Flag & OnewayFlag) != 0;

    /// <summary>A request with the given header fields; the client assigns the opaque.</summary>
    public static RemotingCommand Request(int code, IReadOnlyDictionary<string, string>? extFields = null, byte[]? body = null) => new()
    {
        Code = code,
        ExtFields = extFields is null ? null : new Dictionary<string, string>(extFields),
        Body = body,
    };

    /// <summary>The answer to <paramref name="request"/> with <paramref name="code"/>, a remark saying why, and a body.</summary>
    public static RemotingCommand Response(RemotingCommand request, int code, string? remark = null, byte[]? body = null) => new()
    {
        SerializeTypeCurrentRpc = request.SerializeTypeCurrentRpc,
        Code = code,
        Flag = ResponseFlag,
        Opaque = request.Opaque,
        Remark = remark,
        Body = body,
    };

    /// <summary>A successful answer whose body is <paramref name="value"/> as RocketMQ's JSON.</summary>
    public static RemotingCommand JsonResponse<T>(RemotingCommand request, T value) =>
        Response(request, ResponseCode.Success, body: JsonSerializer.SerializeToUtf8Bytes(value, RemotingJson.Options));

    /// <summary>The header field <paramref name="name"/>, or null.</summary>
    public string? Field(string name) => ExtFields is not null && ExtFields.TryGetValue(name, out var value) ? value : null;

    /// <summary>The header field <paramref name="name"/>; throws <see cref="RemotingProtocolException"/> when it is missing or blank.</summary>
    public string RequiredField(string name) =>
        Field(name) is { Length: > 0 } value ? value : throw new RemotingProtocolException($"request code {Code} needs the header field '{name}'");

    /// <summary>The header field <paramref name="name"/> as a whole number; throws <see cref="RemotingProtocolException"/> when it is missing or not one.</summary>
    public long RequiredNumber(string name, long min = long.MinValue, long max = long.MaxValue) => Number(name, RequiredField(name), min, max);

    /// <summary>
    /// The header field <paramref name="name"/> as a whole number, or null when it is missing or blank; throws
    /// <see cref="RemotingProtocolException"/> when it is something else.
    /// </summary>
    public long? OptionalNumber(string name, long min = long.MinValue, long max = long.MaxValue) =>
        Field(name) is { Length: > 0 } text ? Number(name, text, min, max) : null;

    private long Number(string name, string text, long min, long max) =>
        long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max
            ? number
            : throw new RemotingProtocolException($"request code {Code} has '{text}' in header field '{name}': expected a whole number from {min} to {max}");

    /// <summary>The body read as RocketMQ's JSON; throws <see cref="RemotingProtocolException"/> when it is missing or not that shape.</summary>
    public T ReadBody<T>()
    {
        if (Body is not { Length: > 0 })
        {
            throw new RemotingProtocolException($"request code {Code} needs a JSON body of {typeof(T).Name}, and the body is empty");
        }

        try
        {
            return Deserialize<T>(Body)
                ?? throw new RemotingProtocolException($"the body of request code {Code} is JSON null, expected {typeof(T).Name}");
        }
        catch (JsonException ex)
        {
            throw new RemotingProtocolException($"the body of request code {Code} is not a {typeof(T).Name}: {ex.Message}");
        }
    }

    /// <summary>Standard JSON reads directly; what fastjson writes beyond it (bare number keys, object keys) goes through <see cref="FastJsonReader"/>.</summary>
    private static T? Deserialize<T>(byte[] body)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(body, RemotingJson.Options);
        }
        catch (JsonException)
        {
            return FastJsonReader.Parse(body).Deserialize<T>(RemotingJson.Options);
        }
    }

    public override string ToString() =>
        $"RemotingCommand[code={Code}, opaque={Opaque}, flag={Flag}, remark={Remark}, body={Body?.Length ?? 0} bytes]";
}
