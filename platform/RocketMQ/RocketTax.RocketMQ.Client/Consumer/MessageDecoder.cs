using System.Globalization;
using System.IO.Compression;
using System.IO.Hashing;
using System.Security.Cryptography;
using Apache.Rocketmq.V2;
using RocketTax.RocketMQ.Client.Diagnostics;
using RocketTax.RocketMQ.Client.Session;

namespace RocketTax.RocketMQ.Client.Consumer;

/// <summary>Turns a delivered protocol message into a <see cref="MessageView"/>, checking the body against the broker's digest.</summary>
internal static class MessageDecoder
{
    /// <summary>
    /// The view of a message <paramref name="endpoint"/> (broker <paramref name="brokerName"/>, when known) sent, and whether
    /// its body matched the digest (a message without a digest passes).
    /// </summary>
    public static (MessageView View, bool Intact) Decode(Apache.Rocketmq.V2.Message message, EndpointAddress endpoint, string brokerName = "")
    {
        var system = message.SystemProperties ?? new SystemProperties();
        var raw = message.Body.Memory;
        var intact = Verify(system.BodyDigest, raw.Span);
        var body = raw;
        if (intact && system.BodyEncoding == Apache.Rocketmq.V2.Encoding.Gzip)
        {
            body = Gunzip(raw);
        }

        var properties = new Dictionary<string, string>(message.UserProperties, StringComparer.Ordinal);
        properties.TryGetValue(TraceContext.TraceParent, out var traceParent);
        properties.TryGetValue(TraceContext.TraceState, out var traceState);
        var view = new MessageView(system.MessageId, message.Topic?.Name ?? string.Empty, body, system.ReceiptHandle ?? string.Empty, endpoint)
        {
            Tag = system.HasTag ? system.Tag : null,
            Keys = [.. system.Keys],
            Properties = properties,
            MessageGroup = system.HasMessageGroup ? system.MessageGroup : null,
            DeliveryTimestamp = system.DeliveryTimestamp?.ToDateTimeOffset(),
            BornHost = system.BornHost,
            BornTimestamp = system.BornTimestamp?.ToDateTimeOffset() ?? default,
            StoreTimestamp = system.StoreTimestamp?.ToDateTimeOffset(),
            DeliveryAttempt = system.HasDeliveryAttempt ? system.DeliveryAttempt : 1,
            QueueId = system.QueueId,
            QueueOffset = system.HasQueueOffset ? system.QueueOffset : 0,
            BrokerName = brokerName,
            InvisibleDuration = system.InvisibleDuration?.ToTimeSpan() ?? TimeSpan.Zero,
            TraceParent = traceParent,
            TraceState = traceState,
            SystemTraceContext = system.HasTraceContext ? system.TraceContext : null,
        };
        return (view, intact);
    }

    private static bool Verify(Digest? digest, ReadOnlySpan<byte> body)
    {
        if (digest is null || string.IsNullOrEmpty(digest.Checksum))
        {
            return true;
        }

        return digest.Type switch
        {
            DigestType.Md5 => string.Equals(Convert.ToHexString(MD5.HashData(body)), digest.Checksum, StringComparison.OrdinalIgnoreCase),
            DigestType.Sha1 => string.Equals(Convert.ToHexString(SHA1.HashData(body)), digest.Checksum, StringComparison.OrdinalIgnoreCase),
            DigestType.Crc32 => Crc32.HashToUInt32(body).ToString(CultureInfo.InvariantCulture) == digest.Checksum,
            _ => true,
        };
    }

    private static ReadOnlyMemory<byte> Gunzip(ReadOnlyMemory<byte> compressed)
    {
        using var input = new MemoryStream(compressed.ToArray());
        using var gzip = new GZipStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        gzip.CopyTo(output);
        return output.ToArray();
    }
}
