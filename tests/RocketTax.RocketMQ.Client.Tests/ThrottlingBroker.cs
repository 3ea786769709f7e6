using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Apache.Rocketmq.V2;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Status = Apache.Rocketmq.V2.Status;

namespace RocketTax.RocketMQ.Client.Tests;

/// <summary>
/// A gRPC MessagingService in the test process that answers the first <c>throttled</c> sends with TOO_MANY_REQUESTS,
/// as a broker whose send queue is too long does, and stores nothing. Its route names two brokers (queue 0 on
/// broker-a, queue 1 on broker-b) at its one endpoint, and its Telemetry settings carry an exponential backoff.
/// </summary>
public sealed class ThrottlingBroker : IAsyncDisposable
{
    public static readonly TimeSpan BackoffInitial = TimeSpan.FromMilliseconds(40);

    private readonly WebApplication _app;

    private ThrottlingBroker(WebApplication app, int port, Service service)
    {
        _app = app;
        Endpoint = $"127.0.0.1:{port}";
        Calls = service;
    }

    public string Endpoint { get; }

    /// <summary>What the broker was asked.</summary>
    public Service Calls { get; }

    public static async Task<ThrottlingBroker> StartAsync(int throttled, CancellationToken cancellationToken)
    {
        var port = FreePort.Next();
        var service = new Service(throttled, port);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(service);
        var app = builder.Build();
        app.MapGrpcService<Service>();
        await app.StartAsync(cancellationToken);
        return new ThrottlingBroker(app, port, service);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }

    /// <summary>The service; public so that gRPC can bind it, and the record of what it was asked.</summary>
    public sealed class Service(int throttled, int port) : MessagingService.MessagingServiceBase
    {
        private int _sends;
        private int _routeQueries;

        /// <summary>Every SendMessage attempt: the queue it named and when it arrived.</summary>
        public ConcurrentQueue<(int QueueId, long Timestamp)> SendAttempts { get; } = new();

        public int RouteQueries => Volatile.Read(ref _routeQueries);

        public override Task<QueryRouteResponse> QueryRoute(QueryRouteRequest request, ServerCallContext context)
        {
            Interlocked.Increment(ref _routeQueries);
            var endpoints = new Endpoints
            {
                Scheme = AddressScheme.Ipv4,
                Addresses = { new Address { Host = "127.0.0.1", Port = port } },
            };
            var response = new QueryRouteResponse { Status = Ok() };
            foreach (var (broker, queueId) in new[] { ("broker-a", 0), ("broker-b", 1) })
            {
                response.MessageQueues.Add(new MessageQueue
                {
                    Topic = request.Topic,
                    Id = queueId,
                    Permission = Permission.ReadWrite,
                    Broker = new Apache.Rocketmq.V2.Broker { Name = broker, Id = 0, Endpoints = endpoints },
                    AcceptMessageTypes = { MessageType.Normal },
                });
            }

            return Task.FromResult(response);
        }

        public override async Task Telemetry(IAsyncStreamReader<TelemetryCommand> requestStream, IServerStreamWriter<TelemetryCommand> responseStream, ServerCallContext context)
        {
            try
            {
                await foreach (var command in requestStream.ReadAllAsync(context.CancellationToken))
                {
                    if (command.Settings is { } settings)
                    {
                        settings.BackoffPolicy = new RetryPolicy
                        {
                            MaxAttempts = 3,
                            ExponentialBackoff = new ExponentialBackoff
                            {
                                Initial = Duration.FromTimeSpan(BackoffInitial),
                                Max = Duration.FromTimeSpan(TimeSpan.FromSeconds(1)),
                                Multiplier = 2,
                            },
                        };
                        await responseStream.WriteAsync(new TelemetryCommand { Status = Ok(), Settings = settings }, context.CancellationToken);
                    }
                }
            }
            catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
            {
                // The client closed its stream.
            }
        }

        public override Task<HeartbeatResponse> Heartbeat(HeartbeatRequest request, ServerCallContext context) =>
            Task.FromResult(new HeartbeatResponse { Status = Ok() });

        public override Task<NotifyClientTerminationResponse> NotifyClientTermination(NotifyClientTerminationRequest request, ServerCallContext context) =>
            Task.FromResult(new NotifyClientTerminationResponse { Status = Ok() });

        public override Task<SendMessageResponse> SendMessage(SendMessageRequest request, ServerCallContext context)
        {
            var message = request.Messages[0];
            SendAttempts.Enqueue((message.SystemProperties.QueueId, Stopwatch.GetTimestamp()));
            var status = Interlocked.Increment(ref _sends) <= throttled
                ? new Status { Code = Code.TooManyRequests, Message = "the broker is busy and did not store the send" }
                : Ok();
            var response = new SendMessageResponse { Status = status };
            response.Entries.Add(new SendResultEntry { Status = status, MessageId = message.SystemProperties.MessageId, Offset = 0 });
            return Task.FromResult(response);
        }

        private static Status Ok() => new() { Code = Code.Ok, Message = "OK" };
    }
}
