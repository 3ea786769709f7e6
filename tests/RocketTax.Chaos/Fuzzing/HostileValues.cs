using CsCheck;

namespace RocketTax.Chaos.Fuzzing;

/// <summary>Generators of the values that break servers: empty, huge, control and bidi characters, names of system resources, extremes of every number type.</summary>
public static class HostileValues
{
    public static readonly Gen<string> String = Gen.Frequency(
        (4, Gen.String),
        (1, Gen.Const(string.Empty)),
        (2, Gen.OneOf("%DLQ%fuzz", "%RETRY%fuzz", "fuzz-topic", "a|b", "*", "||", "\0", "rmq_sys_wheel_timer", "RMQ_SYS_TRANS_HALF_TOPIC",
            "../../etc/passwd", "\u202e\u0000\uffff", "💥", "DefaultCluster", "TBW102", " ", "topic with spaces")),
        (1, Gen.Char.Array[1_000, 20_000].Select(chars => new string(chars))));

    /// <summary>Printable ASCII only: gRPC metadata refuses anything else on the client side already.</summary>
    public static readonly Gen<string> HeaderValue = Gen.Frequency(
        (3, Gen.Char['!', '~'].Array[0, 64].Select(chars => new string(chars))),
        (1, Gen.Char['!', '~'].Array[1_000, 8_000].Select(chars => new string(chars))));

    public static readonly Gen<int> Int = Gen.Frequency(
        (3, Gen.Int),
        (2, Gen.OneOf(0, -1, 1, 3, 4, 32, int.MaxValue, int.MinValue, 16 * 1024 * 1024)),
        (2, Gen.Int[-8, 64]));

    public static readonly Gen<long> Long = Gen.Frequency(
        (3, Gen.Long),
        (2, Gen.OneOf(0L, -1L, long.MaxValue, long.MinValue, 315_576_000_000L, 1_000L)));

    public static readonly Gen<byte[]> Bytes = Gen.Frequency(
        (4, Gen.Byte.Array[0, 512]),
        (1, Gen.Byte.Array[4_000, 70_000]));
}
