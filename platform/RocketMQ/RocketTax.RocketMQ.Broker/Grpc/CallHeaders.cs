using Grpc.Core;
using RocketTax.RocketMQ.Broker.Grpc.Transport;

namespace RocketTax.RocketMQ.Broker.Grpc;

/// <summary>
/// The request headers of a call under either gRPC transport, looked up one at a time.
/// <see cref="ServerCallContext.RequestHeaders"/> copies every header of the call into a new Metadata and lower-cases
/// each key looked up, on every request (about 2% of the broker's CPU on sends); this reads the transport's own list.
/// </summary>
public readonly struct CallHeaders
{
    private readonly IHeaderDictionary? _kestrel;
    private readonly NativeRequestHeaders? _native;

    public CallHeaders(IHeaderDictionary kestrel) => _kestrel = kestrel;

    public CallHeaders(NativeRequestHeaders native) => _native = native;

    public static CallHeaders Of(ServerCallContext context) => context is NativeServerCallContext native
        ? new CallHeaders(native.Headers)
        : new CallHeaders(context.GetHttpContext().Request.Headers);

    /// <summary>The value of header <paramref name="name"/> (lower case), values of a repeated header joined by commas; null when absent.</summary>
    public string? this[string name]
    {
        get
        {
            if (_native is not null)
            {
                return _native.Get(name);
            }

            var values = _kestrel![name];
            return values.Count == 0 ? null : values.ToString();
        }
    }

    /// <summary>Every header as sent, one entry per value.</summary>
    public IEnumerable<KeyValuePair<string, string>> All()
    {
        if (_native is not null)
        {
            foreach (var header in _native)
            {
                yield return header;
            }

            yield break;
        }

        foreach (var (name, values) in _kestrel!)
        {
            foreach (var value in values)
            {
                yield return new(name, value ?? string.Empty);
            }
        }
    }
}
