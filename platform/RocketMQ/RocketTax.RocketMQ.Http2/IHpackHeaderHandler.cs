namespace RocketTax.RocketMQ.Http2;

/// <summary>Receives the fields of a header block in order; the spans are valid only during the call.</summary>
public interface IHpackHeaderHandler
{
    /// <summary>One decoded field.</summary>
    void OnHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value);
}
