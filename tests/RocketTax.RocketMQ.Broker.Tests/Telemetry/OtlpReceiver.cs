using System.Net;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RocketTax.RocketMQ.Broker.Tests.Telemetry.Otlp;

namespace RocketTax.RocketMQ.Broker.Tests.Telemetry;

/// <summary>
/// A local OTLP/gRPC endpoint (the protocol Aspire gives its resources) that keeps everything exported to it, so a
/// test can wait for a span, metric or log record and read its fields. Listens on a loopback port the OS picks.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private OtlpReceiver(WebApplication app, OtlpInbox inbox, string endpoint)
    {
        _app = app;
        Inbox = inbox;
        Endpoint = endpoint;
    }

    /// <summary>The URL to give as <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string Endpoint { get; }

    /// <summary>What has been exported so far.</summary>
    public OtlpInbox Inbox { get; }

    public static async Task<OtlpReceiver> StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        var inbox = new OtlpInbox();
        builder.Services.AddSingleton(inbox);
        builder.Services.AddGrpc();
        var app = builder.Build();
        app.MapGrpcService<TraceExports>();
        app.MapGrpcService<MetricsExports>();
        app.MapGrpcService<LogsExports>();
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new OtlpReceiver(app, inbox, address);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }

    private sealed class TraceExports(OtlpInbox inbox) : TraceService.TraceServiceBase
    {
        public override Task<ExportTraceServiceResponse> Export(ExportTraceServiceRequest request, ServerCallContext context)
        {
            inbox.Add(request);
            return Task.FromResult(new ExportTraceServiceResponse());
        }
    }

    private sealed class MetricsExports(OtlpInbox inbox) : MetricsService.MetricsServiceBase
    {
        public override Task<ExportMetricsServiceResponse> Export(ExportMetricsServiceRequest request, ServerCallContext context)
        {
            inbox.Add(request);
            return Task.FromResult(new ExportMetricsServiceResponse());
        }
    }

    private sealed class LogsExports(OtlpInbox inbox) : LogsService.LogsServiceBase
    {
        public override Task<ExportLogsServiceResponse> Export(ExportLogsServiceRequest request, ServerCallContext context)
        {
            inbox.Add(request);
            return Task.FromResult(new ExportLogsServiceResponse());
        }
    }
}
