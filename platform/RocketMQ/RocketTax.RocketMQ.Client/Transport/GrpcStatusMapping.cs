using System.Text;
using Grpc.Core;
using RocketTax.RocketMQ.Http2;

namespace RocketTax.RocketMQ.Client.Transport;

/// <summary>How HTTP/2 outcomes read as gRPC statuses, as gRPC's HTTP/2 transport mapping defines them.</summary>
internal static class GrpcStatusMapping
{
    /// <summary>The status of a response whose <c>:status</c> is not 200.</summary>
    public static Status FromHttpStatus(int httpStatus) => new(httpStatus switch
    {
        400 => StatusCode.Internal,
        401 => StatusCode.Unauthenticated,
        403 => StatusCode.PermissionDenied,
        404 => StatusCode.Unimplemented,
        429 or 502 or 503 or 504 => StatusCode.Unavailable,
        _ => StatusCode.Unknown,
    }, $"Bad gRPC response: HTTP status {httpStatus} (a gRPC server answers 200); is this endpoint a gRPC port?");

    /// <summary>The status of a stream the server reset.</summary>
    public static Status FromReset(Http2ErrorCode code) => new(code switch
    {
        Http2ErrorCode.RefusedStream => StatusCode.Unavailable,
        Http2ErrorCode.Cancel => StatusCode.Cancelled,
        Http2ErrorCode.EnhanceYourCalm => StatusCode.ResourceExhausted,
        Http2ErrorCode.InadequateSecurity => StatusCode.PermissionDenied,
        _ => StatusCode.Internal,
    }, $"The server reset the HTTP/2 stream ({code}).");

    /// <summary>Decodes a percent-encoded <c>grpc-message</c> (UTF-8 underneath).</summary>
    public static string DecodeMessage(ReadOnlySpan<byte> value)
    {
        if (value.IndexOf((byte)'%') < 0)
        {
            return Encoding.UTF8.GetString(value);
        }

        Span<byte> decoded = value.Length <= 256 ? stackalloc byte[value.Length] : new byte[value.Length];
        var length = 0;
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '%' && i + 2 < value.Length && IsHex(value[i + 1]) && IsHex(value[i + 2]))
            {
                decoded[length++] = (byte)((HexValue(value[i + 1]) << 4) | HexValue(value[i + 2]));
                i += 2;
            }
            else
            {
                decoded[length++] = value[i];
            }
        }

        return Encoding.UTF8.GetString(decoded[..length]);
    }

    private static bool IsHex(byte c) => c is >= (byte)'0' and <= (byte)'9' or >= (byte)'a' and <= (byte)'f' or >= (byte)'A' and <= (byte)'F';

    private static int HexValue(byte c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
