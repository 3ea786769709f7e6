using System.Collections;
using Grpc.Core;

namespace RocketTax.RocketMQ.Broker.Grpc.Transport;

/// <summary>
/// The regular (not pseudo) header fields of one request in the order the client sent them. A call reads a
/// handful of them once each, so a list beats a dictionary.
/// </summary>
public sealed class NativeRequestHeaders : IEnumerable<KeyValuePair<string, string>>
{
    private readonly List<KeyValuePair<string, string>> _fields = new(16);

    public int Count => _fields.Count;

    internal void Add(string name, string value) => _fields.Add(new(name, value));

    internal void Clear() => _fields.Clear();

    /// <summary>The value of <paramref name="name"/> (lower case, as HTTP/2 requires), repeats joined by commas; null when absent.</summary>
    public string? Get(string name)
    {
        string? found = null;
        foreach (var (key, value) in _fields)
        {
            if (string.Equals(key, name, StringComparison.Ordinal))
            {
                found = found is null ? value : $"{found},{value}";
            }
        }

        return found;
    }

    /// <summary>The headers as gRPC's <see cref="Metadata"/>, for what reads <see cref="ServerCallContext.RequestHeaders"/> (access control).</summary>
    public Metadata ToMetadata()
    {
        var metadata = new Metadata();
        foreach (var (name, value) in _fields)
        {
            if (name.EndsWith(Metadata.BinaryHeaderSuffix, StringComparison.Ordinal))
            {
                metadata.Add(name, DecodeBinary(value));
            }
            else
            {
                metadata.Add(name, value);
            }
        }

        return metadata;
    }

    public List<KeyValuePair<string, string>>.Enumerator GetEnumerator() => _fields.GetEnumerator();

    IEnumerator<KeyValuePair<string, string>> IEnumerable<KeyValuePair<string, string>>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    // gRPC sends binary headers as base64, often without padding; a value that is not base64 reads as empty.
    private static byte[] DecodeBinary(string value)
    {
        var padded = value.PadRight(value.Length + ((4 - (value.Length % 4)) % 4), '=');
        var bytes = new byte[padded.Length];
        return Convert.TryFromBase64String(padded, bytes, out var written) ? bytes[..written] : [];
    }
}
