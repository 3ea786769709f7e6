using System.IO.Pipelines;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using RocketTax.RocketMQ.Broker.Security;

namespace RocketTax.RocketMQ.Broker.Hosting;

/// <summary>
/// TLS on the gRPC port as the RocketMQ proxy does it: in permissive mode one port serves TLS and plaintext
/// HTTP/2, told apart by the first byte a client sends (0x16 opens a TLS handshake record).
/// </summary>
public static class GrpcListenOptionsExtensions
{
    private const byte TlsHandshakeRecord = 0x16;

    /// <summary>How long a new connection may stay silent before it is closed, as Kestrel's own handshake timeout.</summary>
    private static readonly TimeSpan FirstByteTimeout = TimeSpan.FromSeconds(10);

    public static ListenOptions UseBrokerTls(this ListenOptions listen, TlsServerMode mode, X509Certificate2? certificate)
    {
        if (mode == TlsServerMode.Disabled)
        {
            return listen;
        }

        ArgumentNullException.ThrowIfNull(certificate);
        if (mode == TlsServerMode.Enforcing)
        {
            return listen.UseHttps(certificate);
        }

        // Kestrel's TLS middleware always handshakes, so plaintext connections must go around it: the peek
        // sends TLS on to it, and plaintext straight to what follows it, captured from the pipeline below.
        ConnectionDelegate? afterTls = null;
        listen.Use(next => connection => DispatchAsync(connection, next, afterTls!));
        listen.UseHttps(certificate);
        listen.Use(next =>
        {
            afterTls = next;
            return next;
        });
        return listen;
    }

    private static async Task DispatchAsync(ConnectionContext connection, ConnectionDelegate tls, ConnectionDelegate plaintext)
    {
        var input = connection.Transport.Input;
        bool isTls;
        using (var silence = CancellationTokenSource.CreateLinkedTokenSource(connection.ConnectionClosed))
        {
            silence.CancelAfter(FirstByteTimeout);
            ReadResult result;
            try
            {
                result = await input.ReadAsync(silence.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (result.Buffer.IsEmpty)
            {
                input.AdvanceTo(result.Buffer.Start);
                return;
            }

            isTls = result.Buffer.FirstSpan[0] == TlsHandshakeRecord;

            // Nothing consumed, nothing examined: the next reader sees the first bytes again.
            input.AdvanceTo(result.Buffer.Start);
        }

        await (isTls ? tls(connection) : plaintext(connection)).ConfigureAwait(false);
    }
}
