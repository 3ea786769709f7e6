using Google.Protobuf;
using RocketTax.RocketMQ.Broker.Tests.Telemetry.Otlp;

namespace RocketTax.RocketMQ.Broker.Tests.Telemetry;

/// <summary>Reads OTLP fields the way assertions want them: ids as lower-case hex, attributes by key.</summary>
public static class OtlpValues
{
    public static string Hex(ByteString id) => Convert.ToHexStringLower(id.Span);

    public static string? Attribute(IEnumerable<KeyValue> attributes, string key) =>
        attributes.FirstOrDefault(a => a.Key == key)?.Value is { } value
            ? value.ValueCase switch
            {
                AnyValue.ValueOneofCase.StringValue => value.StringValue,
                AnyValue.ValueOneofCase.IntValue => value.IntValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
                AnyValue.ValueOneofCase.BoolValue => value.BoolValue ? "true" : "false",
                AnyValue.ValueOneofCase.DoubleValue => value.DoubleValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
                _ => null,
            }
            : null;

    public static string? ServiceName(Resource resource) => Attribute(resource.Attributes, "service.name");

    /// <summary>The data points of a sum or gauge.</summary>
    public static IEnumerable<NumberDataPoint> Points(Metric metric) =>
        (metric.Sum ?? metric.Gauge)?.DataPoints ?? Enumerable.Empty<NumberDataPoint>();

    public static long Value(NumberDataPoint point) =>
        point.ValueCase == NumberDataPoint.ValueOneofCase.AsInt ? point.AsInt : (long)point.AsDouble;
}
