using Apache.Rocketmq.V2;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using RocketTax.RocketMQ.Client.Diagnostics;

namespace RocketTax.RocketMQ.Client.Session;

/// <summary>
/// The Telemetry stream to one endpoint: opened first, carries the client's Settings, receives the server's
/// settings (retry policy, body size limit, ...) and stays open for the client's life, reconnecting when it breaks.
/// </summary>
internal sealed class TelemetrySession : IAsyncDisposable
{
    private static readonly TimeSpan ReconnectDelay = TimeSpan.FromSeconds(1);

    private readonly ClientSession _owner;
    private readonly EndpointAddress _endpoint;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly TaskCompletionSource _firstSettings = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly Task _run;
    private AsyncDuplexStreamingCall<TelemetryCommand, TelemetryCommand>? _call;
    private Exception? _lastError;

    public TelemetrySession(ClientSession owner, EndpointAddress endpoint)
    {
        _owner = owner;
        _endpoint = endpoint;
        _run = Task.Run(RunAsync);
    }

    /// <summary>Waits for the server's first Settings answer, at most the request timeout.</summary>
    public async Task WaitForSettingsAsync(CancellationToken cancellationToken)
    {
        var timeout = _owner.Options.RequestTimeout;
        try
        {
            await _firstSettings.Task.WaitAsync(timeout, _owner.Time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            var cause = Volatile.Read(ref _lastError);
            throw new RocketMQConnectionException(
                $"{_endpoint} did not answer the client's Settings on the Telemetry stream within {timeout.TotalSeconds:0.###} s" +
                (cause is null ? ": is it a RocketMQ 5.x proxy or broker gRPC port?" : $": {cause.Message}"),
                _endpoint.ToString(), cause);
        }
    }

    /// <summary>Sends the client's current settings again (after they changed).</summary>
    public async Task SyncSettingsAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _call) is { } call)
        {
            await WriteAsync(call, new TelemetryCommand { Settings = _owner.ClientSettings() }, cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Volatile.Read(ref _call) is { } call)
        {
            try
            {
                using var timeout = new CancellationTokenSource(_owner.Options.RequestTimeout);
                await _writeGate.WaitAsync(timeout.Token).ConfigureAwait(false);
                await call.RequestStream.CompleteAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is RpcException or InvalidOperationException or OperationCanceledException or IOException)
            {
                // The stream is going away either way; the server notices the end of the call.
            }
        }

        await _lifetime.CancelAsync().ConfigureAwait(false);
        await _run.ConfigureAwait(false);
        _lifetime.Dispose();
    }

    private async Task RunAsync()
    {
        var token = _lifetime.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                using var call = _owner.Client(_endpoint).Telemetry(new CallOptions(_owner.Metadata.Create(), cancellationToken: token));
                Volatile.Write(ref _call, call);
                await WriteAsync(call, new TelemetryCommand { Settings = _owner.ClientSettings() }, token).ConfigureAwait(false);
                while (await call.ResponseStream.MoveNext(token).ConfigureAwait(false))
                {
                    await OnCommandAsync(call, call.ResponseStream.Current, token).ConfigureAwait(false);
                }

                Volatile.Write(ref _lastError, new RocketMQConnectionException($"{_endpoint} closed the Telemetry stream.", _endpoint.ToString()));
            }
            catch (Exception) when (token.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is RpcException or IOException or InvalidOperationException or HttpRequestException)
            {
                Volatile.Write(ref _lastError, ex);
                _owner.Logger.TelemetryBroken(_endpoint.ToString(), ex);
            }
            finally
            {
                Volatile.Write(ref _call, null);
            }

            try
            {
                await Task.Delay(ReconnectDelay, _owner.Time, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private async Task OnCommandAsync(AsyncDuplexStreamingCall<TelemetryCommand, TelemetryCommand> call, TelemetryCommand command, CancellationToken token)
    {
        switch (command.CommandCase)
        {
            case TelemetryCommand.CommandOneofCase.Settings:
                _owner.ApplyServerSettings(command.Settings, _endpoint);
                _firstSettings.TrySetResult();
                break;
            case TelemetryCommand.CommandOneofCase.RecoverOrphanedTransactionCommand when _owner.TransactionChecks is { } checks:
                checks(command.RecoverOrphanedTransactionCommand, _endpoint);
                break;
            case TelemetryCommand.CommandOneofCase.PrintThreadStackTraceCommand:
                _owner.Logger.TelemetryCommandUnsupported(command.CommandCase.ToString(), _endpoint.ToString());
                await WriteAsync(call, new TelemetryCommand
                {
                    Status = new Apache.Rocketmq.V2.Status { Code = Code.Unsupported, Message = "thread stack traces are not exported by the .NET client" },
                    ThreadStackTrace = new ThreadStackTrace { Nonce = command.PrintThreadStackTraceCommand.Nonce },
                }, token).ConfigureAwait(false);
                break;
            case TelemetryCommand.CommandOneofCase.VerifyMessageCommand:
                _owner.Logger.TelemetryCommandUnsupported(command.CommandCase.ToString(), _endpoint.ToString());
                await WriteAsync(call, new TelemetryCommand
                {
                    Status = new Apache.Rocketmq.V2.Status { Code = Code.Unsupported, Message = "message verification is not supported by the .NET client" },
                    VerifyMessageResult = new VerifyMessageResult { Nonce = command.VerifyMessageCommand.Nonce },
                }, token).ConfigureAwait(false);
                break;
            case TelemetryCommand.CommandOneofCase.None when command.Status is { } status && status.Code != Code.Ok:
                _owner.Logger.TelemetryStatus((int)status.Code, _endpoint.ToString(), status.Message);
                Volatile.Write(ref _lastError, StatusCheck.Failure(status, "the Telemetry stream", _endpoint));
                break;
            default:
                _owner.Logger.TelemetryCommandUnsupported(command.CommandCase.ToString(), _endpoint.ToString());
                break;
        }
    }

    private async Task WriteAsync(AsyncDuplexStreamingCall<TelemetryCommand, TelemetryCommand> call, TelemetryCommand command, CancellationToken token)
    {
        await _writeGate.WaitAsync(token).ConfigureAwait(false);
        try
        {
            await call.RequestStream.WriteAsync(command, token).ConfigureAwait(false);
        }
        finally
        {
            _writeGate.Release();
        }
    }
}
